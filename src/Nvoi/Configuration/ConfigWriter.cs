using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Nvoi.Configuration;

/// <summary>
/// Writes a config back to YAML: snake_case keys in schema order, map entries in their own order, block
/// style, nulls and empty maps left out, multi-line text (the private key) as a literal block, and any
/// string a YAML 1.1 reader would take for a number, boolean or null quoted, so nvoi 0.2.0 reads the same.
/// <c>ConfigLoader.Load(ConfigWriter.Write(x))</c> equals <c>x</c>.
/// </summary>
public static partial class ConfigWriter
{
    public static string Write(DeployConfig config)
    {
        var sw = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var w = new W(new Emitter(sw, bestIndent: 2, bestWidth: int.MaxValue));
        w.E(new StreamStart());
        w.E(new DocumentStart(null, null, isImplicit: true));
        w.Begin();
        w.Key("application");
        Application(w, config.Application);
        w.End();
        w.E(new DocumentEnd(isImplicit: true));
        w.E(new StreamEnd());
        return sw.ToString();
    }

    private static void Application(W w, Application a)
    {
        w.Begin();
        w.Str("name", a.Name);
        w.Str("environment", a.Environment);
        w.Int("keep_count", a.KeepCount);
        if (a.RollbackOnFailure is { } rollback) { w.Key("rollback_on_failure"); w.Plain(rollback ? "true" : "false"); }
        if (a.DomainProvider is { } dp)
        {
            w.Key("domain_provider"); w.Begin();
            if (dp.Cloudflare is { } cf)
            {
                w.Key("cloudflare"); w.Begin();
                w.Str("api_token", cf.ApiToken); w.Str("account_id", cf.AccountId);
                w.End();
            }
            w.End();
        }
        if (a.ComputeProvider is { } cp)
        {
            w.Key("compute_provider"); w.Begin();
            if (cp.Hetzner is { } h)
            {
                w.Key("hetzner"); w.Begin();
                w.Str("api_token", h.ApiToken); w.Str("server_type", h.ServerType); w.Str("server_location", h.ServerLocation);
                w.End();
            }
            if (cp.Aws is { } aws)
            {
                w.Key("aws"); w.Begin();
                w.Str("access_key_id", aws.AccessKeyId); w.Str("secret_access_key", aws.SecretAccessKey);
                w.Str("region", aws.Region); w.Str("instance_type", aws.InstanceType);
                w.End();
            }
            if (cp.Scaleway is { } s)
            {
                w.Key("scaleway"); w.Begin();
                w.Str("secret_key", s.SecretKey); w.Str("project_id", s.ProjectId);
                w.Str("server_type", s.ServerType); w.Str("zone", s.Zone);
                w.End();
            }
            w.End();
        }
        w.Map("servers", a.Servers, g =>
        {
            if (g.Master) { w.Key("master"); w.Plain("true"); }
            w.Str("type", g.Type); w.Str("location", g.Location); w.Int("count", g.Count);
            w.Map("volumes", g.Volumes, v => w.Int("size", v.Size));
        });
        w.Map("app", a.App, s =>
        {
            w.List("servers", s.Servers); w.Str("domain", s.Domain); w.Str("subdomain", s.Subdomain);
            w.Int("port", s.Port); w.Str("command", s.Command); w.Str("pre_run_command", s.PreRunCommand);
            if (s.Healthcheck is { } hc)
            {
                w.Key("healthcheck"); w.Begin();
                w.Str("type", hc.Type); w.Str("path", hc.Path); w.Int("port", hc.Port); w.Str("command", hc.Command);
                w.Str("interval", hc.Interval); w.Str("timeout", hc.Timeout); w.Int("retries", hc.Retries);
                w.End();
            }
            w.StrMap("env", s.Env); w.StrMap("mounts", s.Mounts);
            w.Int("replicas", s.Replicas);
            if (s.Resources is { } r)
            {
                w.Key("resources"); w.Begin();
                foreach (var (key, amounts) in new[] { ("requests", r.Requests), ("limits", r.Limits) })
                {
                    if (amounts is null) continue;
                    w.Key(key); w.Begin(); w.Str("cpu", amounts.Cpu); w.Str("memory", amounts.Memory); w.End();
                }
                w.End();
            }
            w.Map("crons", s.Crons, c => { w.Str("schedule", c.Schedule); w.Str("command", c.Command); });
        });
        if (a.Database is { } db)
        {
            w.Key("database"); w.Begin();
            w.List("servers", db.Servers); w.Str("adapter", db.Adapter); w.Str("url", db.Url); w.Str("image", db.Image);
            w.StrMap("mount", db.Mount); w.StrMap("secrets", db.Secrets); w.Str("path", db.Path);
            w.End();
        }
        w.Map("services", a.Services, s =>
        {
            w.List("servers", s.Servers); w.Str("image", s.Image); w.Int("port", s.Port); w.Str("command", s.Command);
            w.StrMap("env", s.Env); w.StrMap("mount", s.Mount);
        });
        w.StrMap("env", a.Env);
        w.StrMap("secrets", a.Secrets);
        if (a.SshKeys is { } k)
        {
            w.Key("ssh_keys"); w.Begin();
            w.Str("private_key", k.PrivateKey); w.Str("public_key", k.PublicKey); w.StrMap("host_keys", k.HostKeys);
            w.End();
        }
        w.End();
    }

    /// <summary>Strings a YAML 1.1 reader (Ruby's Psych) would resolve to null, a boolean or a number.</summary>
    [GeneratedRegex(@"^(~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|=|<<)$|^[-+]?\.?[0-9]|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$")]
    private static partial Regex Ambiguous();

    // A literal block keeps text exactly only when it starts with a visible character and has no
    // tabs, carriage returns or trailing spaces; anything else is written double-quoted.
    private static bool LiteralSafe(string value) =>
        !char.IsWhiteSpace(value[0]) && !value.Any(c => char.IsControl(c) && c != '\n') && !value.Contains(" \n")
        && !value.EndsWith(' ');

    /// <summary>Written plain only when no YAML reader could take it for anything but this string.</summary>
    private static bool PlainSafe(string value) =>
        PlainChars().IsMatch(value) && !Ambiguous().IsMatch(value) && !value.EndsWith(' ') && !value.EndsWith(':')
        && !value.Contains(": ") && !value.Contains(" #");

    [GeneratedRegex("^[A-Za-z0-9_/.][A-Za-z0-9_ ./@+=,:~%-]*$")]
    private static partial Regex PlainChars();

    /// <summary>
    /// The style a string value is written in: plain only when every YAML reader (YAML 1.1's Psych included)
    /// reads it back as this same string; a literal block for multi-line text that survives one; else double-quoted.
    /// </summary>
    internal static ScalarStyle StyleOf(string value, bool key = false) =>
        value.Contains('\n')
            ? (!key && LiteralSafe(value) ? ScalarStyle.Literal : ScalarStyle.DoubleQuoted)
            : PlainSafe(value) ? ScalarStyle.Plain : ScalarStyle.DoubleQuoted;

    private sealed class W(IEmitter emitter)
    {
        public void E(ParsingEvent ev) => emitter.Emit(ev);
        public void Begin() => E(new MappingStart(null, null, isImplicit: true, MappingStyle.Block));
        public void End() => E(new MappingEnd());
        public void Plain(string value) => E(new Scalar(null, null, value, ScalarStyle.Plain, true, false));

        public void Text(string value, bool key = false) => E(new Scalar(null, null, value, StyleOf(value, key), true, true));

        public void Key(string key) => Text(key, key: true);

        public void Str(string key, string? value)
        {
            if (value is null) return;
            Key(key); Text(value);
        }

        public void Int(string key, int? value)
        {
            if (value is null) return;
            Key(key); Plain(value.Value.ToString(CultureInfo.InvariantCulture));
        }

        public void List(string key, List<string> items)
        {
            if (items.Count == 0) return;
            Key(key);
            E(new SequenceStart(null, null, isImplicit: true, SequenceStyle.Block));
            foreach (var item in items) Text(item);
            E(new SequenceEnd());
        }

        public void StrMap(string key, Dictionary<string, string> map)
        {
            if (map.Count == 0) return;
            Key(key); Begin();
            foreach (var (k, v) in map) { Key(k); Text(v); }
            End();
        }

        public void Map<T>(string key, Dictionary<string, T> map, Action<T> body)
        {
            if (map.Count == 0) return;
            Key(key); Begin();
            foreach (var (k, v) in map) { Key(k); Begin(); body(v); End(); }
            End();
        }
    }
}
