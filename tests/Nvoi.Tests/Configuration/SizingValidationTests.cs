using Nvoi.Configuration;
using static Nvoi.Tests.Configuration.ConfigFixtures;

namespace Nvoi.Tests.Configuration;

/// <summary>replicas, resources and crons of an app service: each bad value is reported at its YAML path.</summary>
public class SizingValidationTests
{
    private static IReadOnlyList<ConfigError> Errors(string from, string to)
    {
        var yaml = FullYaml.Replace(from, to);
        Assert.NotEqual(FullYaml, yaml);
        try
        {
            ConfigSource.FromText(yaml);
            return [];
        }
        catch (ConfigException e)
        {
            return e.Errors;
        }
    }

    [Fact]
    public void The_full_fixture_with_replicas_resources_and_a_cron_is_valid_and_binds()
    {
        var worker = Full().Application.App["worker"];
        Assert.Equal(3, worker.Replicas);
        Assert.Equal(3, worker.ReplicasValue);
        Assert.Equal("250m", worker.Resources!.Requests!.Cpu);
        Assert.Equal("1Gi", worker.Resources.Limits!.Memory);
        Assert.Equal(new CronConfig { Schedule = "0 3 * * *", Command = "bin/rails cleanup:sessions" }, worker.Crons["cleanup"]);
        Assert.Empty(ConfigValidator.Validate(Full()));
    }

    [Fact]
    public void Replicas_default_as_in_0_2_0_two_with_a_port_one_without()
    {
        var app = Full().Application;
        Assert.Null(app.App["web"].Replicas);
        Assert.Equal(2, app.App["web"].ReplicasValue);
        Assert.Equal(1, new AppService { Servers = ["master"] }.ReplicasValue);
    }

    public static TheoryData<string, string, string, string> BadValues => new()
    {
        { "replicas: 3", "replicas: 0", "application.app.worker.replicas", "must be at least 1, got 0" },
        { "replicas: 3", "replicas: -2", "application.app.worker.replicas", "must be at least 1, got -2" },
        { "replicas: 3", "replicas: 1.5", "application.app.worker.replicas", "expected an integer, got \"1.5\"" },
        { "replicas: 3", "replicas: many", "application.app.worker.replicas", "expected an integer, got \"many\"" },
        { "cpu: 250m", "cpu: 250x", "application.app.worker.resources.requests.cpu", "must be a Kubernetes quantity such as 250m or 1, got '250x'" },
        { "memory: 1Gi", "memory: 1GB", "application.app.worker.resources.limits.memory", "must be a Kubernetes quantity such as 256Mi or 1Gi, got '1GB'" },
        { "memory: 1Gi", "memory: lots", "application.app.worker.resources.limits.memory", "must be a Kubernetes quantity such as 256Mi or 1Gi, got 'lots'" },
        { "memory: 256Mi", "memory: \"0\"", "application.app.worker.resources.requests.memory", "must be more than 0, got '0'" },
        { "memory: 256Mi", "memory: 2Gi", "application.app.worker.resources.limits.memory", "requests.memory 2Gi is above limits.memory 1Gi; a request may not exceed its limit" },
        { "          cpu: 250m\n          memory: 256Mi\n        limits:\n          cpu: \"1\"\n",
            "          cpu: 750m\n          memory: 256Mi\n        limits:\n",
            "application.app.worker.resources.requests.cpu", "requests.cpu 750m is above limits.cpu 500m (the default); a request may not exceed its limit" },
        { "schedule: 0 3 * * *", "schedule: 0 3 * *", "application.app.worker.crons.cleanup.schedule", "must have 5 fields: minute hour day-of-month month day-of-week (e.g. \"0 3 * * *\"), got '0 3 * *'" },
        { "schedule: 0 3 * * *", "schedule: 0 3 * * * *", "application.app.worker.crons.cleanup.schedule", "must have 5 fields: minute hour day-of-month month day-of-week (e.g. \"0 3 * * *\"), got '0 3 * * * *'" },
        { "schedule: 0 3 * * *", "schedule: 61 3 * * *", "application.app.worker.crons.cleanup.schedule", "" },
        { "schedule: 0 3 * * *", "schedule: 0 3 L * *", "application.app.worker.crons.cleanup.schedule", "uses 'L', which Kubernetes CronJobs do not support, got '0 3 L * *'" },
        { "schedule: 0 3 * * *", "schedule: 0 3 * * MON#2", "application.app.worker.crons.cleanup.schedule", "uses '#', which Kubernetes CronJobs do not support, got '0 3 * * MON#2'" },
        { "schedule: 0 3 * * *", "schedule: \"@every_minute\"", "application.app.worker.crons.cleanup.schedule",
            "'@every_minute' is not one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, got '@every_minute'" },
        { "          schedule: 0 3 * * *\n", "", "application.app.worker.crons.cleanup.schedule", "is required: a cron expression such as \"0 3 * * *\"" },
        { "          command: bin/rails cleanup:sessions\n", "", "application.app.worker.crons.cleanup.command", "is required: the command the cron runs in the app's image" },
        { "        cleanup:\n", "        Clean_Up:\n", "application.app.worker.crons.Clean_Up", "cron name " + ConfigRules.DnsLabelRule },
        { "      crons:\n", "      crons:\n        weekly:\n          shedule: 0 0 * * 0\n", "application.app.worker.crons.weekly.shedule",
            "unknown key 'shedule' (allowed: schedule, command)" },
        { "        limits:\n", "        maximum:\n", "application.app.worker.resources.maximum", "unknown key 'maximum' (allowed: requests, limits)" },
        { "          cpu: 250m\n", "          gpu: 1\n", "application.app.worker.resources.requests.gpu", "unknown key 'gpu' (allowed: cpu, memory)" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_bad_value_is_reported_at_its_path(string from, string to, string path, string message)
    {
        var errors = Errors(from, to);
        if (message.Length == 0)
            Assert.Contains(errors, e => e.Path == path && e.Message.StartsWith("is not a valid cron expression", StringComparison.Ordinal));
        else HasError(errors, path, message);
        Assert.All(errors, e => Assert.NotNull(e.Line));
    }

    [Fact]
    public void A_service_with_a_volume_keeps_one_replica_and_the_error_says_why()
    {
        var errors = Errors("      mounts:\n        uploads: /app/public/uploads\n",
            "      mounts:\n        uploads: /app/public/uploads\n      replicas: 2\n");
        HasError(errors, "application.app.web.replicas",
            "a service with a volume must run 1 replica, got 2: the volume is a directory on one server, " +
            "so pods on other servers would not see its data and two pods would write the same files");
        // One replica is allowed, and so is the 0.2.0 default (no key) for a web service with mounts.
        Assert.Empty(Errors("      mounts:\n        uploads: /app/public/uploads\n",
            "      mounts:\n        uploads: /app/public/uploads\n      replicas: 1\n"));
    }

    [Fact]
    public void Cron_names_are_unique_in_the_application()
    {
        var config = Full();
        config.Application.App["web"].Crons["cleanup"] = new CronConfig { Schedule = "@daily", Command = "true" };
        // web comes first in the file, so the worker's is the second definition.
        HasError(ConfigValidator.Validate(config), "application.app.worker.crons.cleanup",
            "cron 'cleanup' is defined by app 'web' too; cron names are unique in the application (`nvoi cron run cleanup`)");
    }

    [Fact]
    public void A_cron_job_name_too_long_for_its_jobs_or_taken_by_a_service_label_is_refused()
    {
        var config = Full();
        var longName = new string('c', 45);
        config.Application.App["worker"].Crons[longName] = new CronConfig { Schedule = "@hourly", Command = "true" };
        config.Application.App["cron-cleanup"] = new AppService { Servers = ["workers"] };
        var errors = ConfigValidator.Validate(config);
        HasError(errors, $"application.app.worker.crons.{longName}",
            $"CronJob name 'myapp-cron-{longName}' would be longer than 52 characters (its Jobs add 11); shorten the names");
        HasError(errors, "application.app.worker.crons.cleanup", "the cron's pods would be labelled app=myapp-cron-cleanup, as a service's; rename the cron");
    }

    [Theory]
    [InlineData("*/15 * * * *")]
    [InlineData("0 3 * * MON-FRI")]
    [InlineData("0 0 1 JAN,JUL *")]
    [InlineData("30 2 ? * SUN")]
    [InlineData("@daily")]
    [InlineData("@hourly")]
    public void Schedules_kubernetes_runs_are_accepted(string schedule) => Assert.Null(ConfigRules.CronScheduleProblem(schedule));

    [Theory]
    [InlineData("100m", 0.1)]
    [InlineData("1", 1)]
    [InlineData("0.5", 0.5)]
    [InlineData("128Mi", 134217728)]
    [InlineData("1G", 1000000000)]
    [InlineData("1e3", 1000)]
    public void Quantities_parse_as_kubernetes_does(string text, double value) => Assert.Equal((decimal)value, ConfigRules.Quantity(text));

    [Theory]
    [InlineData("")]
    [InlineData(" 1")]
    [InlineData("1 Gi")]
    [InlineData("1GB")]
    [InlineData("abc")]
    [InlineData("--1")]
    public void Non_quantities_are_refused(string text) => Assert.Null(ConfigRules.Quantity(text));

    [Fact]
    public void Config_app_set_keeps_replicas_resources_and_crons_it_cannot_express()
    {
        var config = Full();
        var before = config.Application.App["worker"];
        new Nvoi.Configuration.Editing.ConfigEditor(config).SetApp("worker",
            new Nvoi.Configuration.Editing.AppSettings(["workers"], null, null, null, "bundle exec sidekiq -q low", null));
        var after = config.Application.App["worker"];
        Assert.Equal("bundle exec sidekiq -q low", after.Command);
        Assert.Equal((3, before.Resources, before.Crons), (after.Replicas!.Value, after.Resources, after.Crons));
    }

    [Fact]
    public void The_new_keys_write_back_and_load_the_same()
    {
        var config = Full();
        var again = ConfigLoader.Load(ConfigWriter.Write(config));
        Assert.Equal(Canonical(config), Canonical(again));
        Assert.Contains("replicas: 3", ConfigWriter.Write(config));
        Assert.Contains("schedule: \"0 3 * * *\"", ConfigWriter.Write(config));
    }
}
