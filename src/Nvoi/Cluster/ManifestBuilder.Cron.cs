using k8s.Models;
using Nvoi.Configuration;

namespace Nvoi.Cluster;

public static partial class ManifestBuilder
{
    /// <summary>The label on a cron's Jobs and pods naming the cron (as in the config).</summary>
    public const string CronLabel = "nvoi.io/cron";

    /// <summary>
    /// A cron as a CronJob <c>A-cron-NAME</c>: the app's image, env, mounts, server groups and resources, the command
    /// by <c>sh -c</c>, on the schedule in UTC; one run at a time, no retries. Its Jobs carry no managed-by label, so a
    /// deploy never prunes a running one: they go with the CronJob (owner references) or by the history limits.
    /// </summary>
    public static V1CronJob AppCronJob(Names names, string service, AppService app, string cron, CronConfig config,
        IEnumerable<string> env, string image, IReadOnlyList<Mount> mounts, string envHash)
    {
        var name = names.CronJob(cron);
        var container = AppContainer(names, service, app with { Port = null }, env, image, mounts, "cron");
        container.Command = ["sh", "-c", config.Command!];
        var jobLabels = new Dictionary<string, string> { [ClusterLabels.App] = name, [CronLabel] = cron };
        var podLabels = ClusterLabels.ForPods(names.App, name);
        podLabels[CronLabel] = cron;
        return new V1CronJob
        {
            ApiVersion = "batch/v1",
            Kind = "CronJob",
            Metadata = ClusterLabels.Meta(names.App, name, new Dictionary<string, string> { [ClusterLabels.App] = name, [CronLabel] = cron }),
            Spec = new V1CronJobSpec
            {
                Schedule = config.Schedule!.Trim(),
                TimeZone = "Etc/UTC",
                ConcurrencyPolicy = "Forbid",
                SuccessfulJobsHistoryLimit = 3,
                FailedJobsHistoryLimit = 1,
                JobTemplate = new V1JobTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = jobLabels },
                    Spec = new V1JobSpec
                    {
                        BackoffLimit = 0,
                        Template = new V1PodTemplateSpec
                        {
                            Metadata = new V1ObjectMeta
                            {
                                Labels = podLabels,
                                Annotations = new Dictionary<string, string> { [EnvHashAnnotation] = envHash },
                            },
                            Spec = AppPodSpec(container, app, mounts, "Never"),
                        },
                    },
                },
            },
        };
    }
}
