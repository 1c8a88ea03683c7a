using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Nvoi.Cluster;

/// <summary>How a cron's manual run ended: its Job, its container's exit code, and whether the Job completed.</summary>
public sealed record CronRunResult(string Job, int ExitCode, bool Succeeded);

/// <summary>A CronJob as it is deployed: its schedule, when it last ran, and how many of its Jobs are running.</summary>
public sealed record CronStatus(string Name, string CronJob, string Schedule, bool Suspended, DateTimeOffset? LastSchedule, DateTimeOffset? LastSuccess, int Active);

/// <summary>
/// Runs a cron now, as <c>kubectl create job --from=cronjob/NAME</c> does: a Job with the CronJob's job template,
/// owned by the CronJob (so it goes when the CronJob goes), followed until it ends, its pod's log streamed meanwhile.
/// </summary>
public sealed class CronRunner(IKubernetes client, RolloutWatcher watcher)
{
    private const string Ns = ClusterLabels.Namespace;
    /// <summary>The annotation kubectl puts on a Job it creates from a CronJob.</summary>
    public const string InstantiateAnnotation = "cronjob.kubernetes.io/instantiate";

    /// <summary>How long the run may take, from creating its Job to its end.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Creates the Job from <paramref name="cronJob"/>, streams its pod's log to <paramref name="onLine"/> and returns the
    /// container's exit code once the Job has ended. <paramref name="suffix"/> makes the Job's name unique.
    /// </summary>
    public async Task<CronRunResult> RunAsync(string cronJob, string suffix, Action<LogLine> onLine, CancellationToken ct = default)
    {
        var source = await ReadAsync(cronJob, ct);
        var job = await client.BatchV1.CreateNamespacedJobAsync(JobFrom(source, suffix), Ns, cancellationToken: ct);
        var name = job.Metadata.Name;

        // The Job's wait judges it while the log is read: an unpullable image ends both.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var wait = WaitAsync(name, stop.Token);
        var pod = await FirstPodAsync(name, wait, stop.Token);
        if (pod is not null) await StreamAsync(pod, onLine, wait, stop.Token);
        var failure = await wait;

        var pods = await client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: $"job-name={name}", cancellationToken: ct);
        var exit = pods.Items.OrderBy(p => p.Metadata.CreationTimestamp).LastOrDefault()?.Status?.ContainerStatuses?
            .Select(c => c.State?.Terminated?.ExitCode).FirstOrDefault(c => c is not null);
        if (failure is null) return new CronRunResult(name, exit ?? 0, true);
        if (exit is { } code && code != 0) return new CronRunResult(name, code, false);
        throw failure; // the Job failed without its command exiting (an image that cannot be pulled, a deadline)
    }

    /// <summary>The Job <c>kubectl create job NAME --from=cronjob/CJ</c> makes: the template's metadata and spec, owned by the CronJob.</summary>
    public static V1Job JobFrom(V1CronJob cronJob, string suffix)
    {
        var template = cronJob.Spec.JobTemplate;
        var annotations = new Dictionary<string, string>(template.Metadata?.Annotations ?? new Dictionary<string, string>()) { [InstantiateAnnotation] = "manual" };
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta
            {
                Name = $"{cronJob.Metadata.Name}-{suffix}",
                NamespaceProperty = cronJob.Metadata.NamespaceProperty ?? Ns,
                Labels = template.Metadata?.Labels is { } labels ? new Dictionary<string, string>(labels) : null,
                Annotations = annotations,
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = "batch/v1", Kind = "CronJob", Name = cronJob.Metadata.Name, Uid = cronJob.Metadata.Uid,
                        Controller = true, // and no blockOwnerDeletion, as kubectl
                    },
                ],
            },
            Spec = KubernetesJson.Deserialize<V1JobSpec>(KubernetesJson.Serialize(template.Spec)),
        };
    }

    /// <summary>The app's CronJobs (labelled managed-by nvoi and instance <paramref name="app"/>) with their status.</summary>
    public async Task<IReadOnlyList<CronStatus>> ListAsync(string app, CancellationToken ct = default)
    {
        var list = await client.BatchV1.ListNamespacedCronJobAsync(Ns, labelSelector: ClusterLabels.Selector(app), cancellationToken: ct);
        return list.Items
            .Select(c => new CronStatus(
                c.Metadata.Labels?.TryGetValue(ManifestBuilder.CronLabel, out var cron) == true ? cron : c.Metadata.Name,
                c.Metadata.Name, c.Spec.Schedule, c.Spec.Suspend == true,
                Utc(c.Status?.LastScheduleTime), Utc(c.Status?.LastSuccessfulTime), c.Status?.Active?.Count ?? 0))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static DateTimeOffset? Utc(DateTime? t) => t is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    private async Task<V1CronJob> ReadAsync(string cronJob, CancellationToken ct)
    {
        try { return await client.BatchV1.ReadNamespacedCronJobAsync(cronJob, Ns, cancellationToken: ct); }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new NvoiException($"cronjob {cronJob} is not in the cluster: deploy the config that defines it first (`nvoi deploy`)");
        }
    }

    /// <summary>Waits for the Job's end; its failure is returned, not thrown.</summary>
    private async Task<RolloutFailedException?> WaitAsync(string job, CancellationToken ct)
    {
        try
        {
            await watcher.WaitForJobAsync(job, Timeout, ct);
            return null;
        }
        catch (RolloutFailedException e) { return e; }
    }

    /// <summary>The Job's pod once it has started; once the Job has ended, its pod if it had one (a quick Job ends before a look).</summary>
    private async Task<string?> FirstPodAsync(string job, Task ended, CancellationToken ct)
    {
        var selector = $"job-name={job}";
        while (true)
        {
            var done = ended.IsCompleted;
            var pods = await client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: selector, cancellationToken: ct);
            if (pods.Items.FirstOrDefault(Started) is { } pod) return pod.Metadata.Name;
            if (done) return pods.Items.FirstOrDefault()?.Metadata.Name;
            using var changed = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var next = NextChangeAsync(selector, pods.Metadata.ResourceVersion, changed.Token);
            await Task.WhenAny(next, ended);
            changed.Cancel();
            try { await next; } catch (OperationCanceledException) { }
        }
    }

    private static bool Started(V1Pod pod) =>
        pod.Status?.Phase is "Running" or "Succeeded" or "Failed"
        || pod.Status?.ContainerStatuses?.Any(c => c.State?.Running is not null || c.State?.Terminated is not null) == true;

    /// <summary>Returns at the first change of the Job's pods after <paramref name="resourceVersion"/> (or when the watch ends).</summary>
    private async Task NextChangeAsync(string selector, string resourceVersion, CancellationToken ct)
    {
        try
        {
            await foreach (var _ in client.CoreV1.WatchListNamespacedPodAsync(Ns, labelSelector: selector, resourceVersion: resourceVersion,
                               timeoutSeconds: 60, cancellationToken: ct))
                return;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or KubernetesException or IOException) { }
    }

    private async Task StreamAsync(string pod, Action<LogLine> onLine, Task ended, CancellationToken ct)
    {
        var streamer = new LogStreamer(client);
        try
        {
            await foreach (var line in streamer.ReadPodAsync(pod, follow: true, ct)) onLine(line);
        }
        catch (Exception e) when (ended.IsCompleted && e is HttpOperationException or HttpRequestException or IOException) { }
    }
}
