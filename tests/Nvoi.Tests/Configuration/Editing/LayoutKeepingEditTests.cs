using CsCheck;
using Nvoi.Configuration;
using Nvoi.Configuration.Editing;

namespace Nvoi.Tests.Configuration.Editing;

/// <summary>Edits change only the entries they touch: comments, blank lines, key order and line endings stay.</summary>
public class LayoutKeepingEditTests
{
    private const string Commented = """
        # Production config of myapp.
        application:
          name: myapp   # the DNS label
          environment: production

          # Hetzner, Falkenstein.
          compute_provider:
            hetzner:
              api_token: hz-token
              server_type: cx22
              server_location: fsn1

          servers:
            # the control plane
            master:
              master: true
              type: cx22
            workers:  # scaled by hand
              type: cx32
              count: 2

          app:
            web:
              servers: [master]
              port: 3000

          env:
            # keep in sync with staging
            RAILS_ENV: production  # always
            LOG_LEVEL: info

          secrets:
            # rotated yearly
            SECRET_KEY_BASE: skb

          ssh_keys:
            public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx3Rk9ZX0lZQzZrb2RkYkx0b1A2bWJ4S0t0T2l6eXg nvoi-deploy
        """ + "\n";

    private static string Edit(string text, Action<ConfigEditor> edit)
    {
        var config = ConfigLoader.Parse(text).Config;
        edit(new ConfigEditor(config));
        var edited = LayoutKeepingEdit.ForModel(text, config);
        Assert.True(edited.KeptLayout, edited.RewriteReason);
        Assert.Equal(ConfigWriter.Write(config), ConfigWriter.Write(ConfigLoader.Load(edited.Text)));
        return edited.Text;
    }

    [Fact]
    public void Env_set_changes_one_line_and_keeps_the_comment_beside_it()
    {
        var text = Edit(Commented, e => e.SetEnv("RAILS_ENV", "staging"));
        Assert.Equal(Commented.Replace("RAILS_ENV: production  # always", "RAILS_ENV: staging  # always"), text);
    }

    [Fact]
    public void Env_set_of_a_new_key_adds_a_line_after_the_last_sibling()
    {
        var text = Edit(Commented, e => e.SetEnv("FLAG", "yes"));
        Assert.Equal(Commented.Replace("    LOG_LEVEL: info\n", "    LOG_LEVEL: info\n    FLAG: \"yes\"\n"), text);
    }

    [Fact]
    public void Env_rm_removes_only_its_line()
    {
        var text = Edit(Commented, e => e.RemoveEnv("RAILS_ENV"));
        Assert.Equal(Commented.Replace("    RAILS_ENV: production  # always\n", ""), text);
        Assert.Contains("# keep in sync with staging", text);
    }

    [Fact]
    public void Removing_the_last_entry_removes_the_map_with_the_comments_inside_it()
    {
        var text = Edit(Commented, e => e.RemoveSecret("SECRET_KEY_BASE"));
        Assert.Equal(Commented.Replace("  secrets:\n    # rotated yearly\n    SECRET_KEY_BASE: skb\n", ""), text);
    }

    [Fact]
    public void Secrets_set_and_server_add_and_remove_keep_every_other_line()
    {
        var text = Edit(Commented, e => e.SetSecret("API_KEY", "0755"));
        Assert.Equal(Commented.Replace("    SECRET_KEY_BASE: skb\n", "    SECRET_KEY_BASE: skb\n    API_KEY: \"0755\"\n"), text);

        text = Edit(Commented, e => e.SetServer("db", false, "cx42", null, 1));
        Assert.Equal(Commented.Replace("      count: 2\n", "      count: 2\n    db:\n      type: cx42\n      count: 1\n"), text);

        text = Edit(Commented, e => e.RemoveServer("workers"));
        Assert.Equal(Commented.Replace("    workers:  # scaled by hand\n      type: cx32\n      count: 2\n", ""), text);

        // Re-setting a group changes its values in place.
        text = Edit(Commented, e => e.SetServer("workers", false, "cx42", null, 2));
        Assert.Equal(Commented.Replace("      type: cx32\n", "      type: cx42\n"), text);
    }

    [Fact]
    public void A_new_section_goes_in_schema_order_and_a_missing_parent_is_created()
    {
        var text = Edit(Commented, e => e.SetCloudflare("cf-token", "acc"));
        Assert.Equal(Commented.Replace("  environment: production\n", "  environment: production\n  domain_provider:\n    cloudflare:\n      api_token: cf-token\n      account_id: acc\n"), text);
    }

    [Fact]
    public void A_change_inside_a_flow_list_replaces_that_entry_in_block_style()
    {
        var text = Edit(Commented, e => e.SetApp("web", new AppSettings(["master", "workers"], null, null, 3000, null, null)));
        Assert.Equal(Commented.Replace("      servers: [master]\n", "      servers:\n      - master\n      - workers\n"), text);
    }

    [Fact]
    public void Provider_set_replacing_another_provider_keeps_the_comment_above()
    {
        var text = Edit(Commented, e => e.SetAws(new AwsSettings("AKIA", "secret", "us-east-1", "t3.small")));
        Assert.Contains("  # Hetzner, Falkenstein.\n  compute_provider:\n    aws:\n      access_key_id: AKIA\n", text);
        Assert.DoesNotContain("hetzner", text);
    }

    [Fact]
    public void Crlf_line_endings_are_kept_and_used_for_new_lines()
    {
        var crlf = Commented.Replace("\n", "\r\n");
        var text = Edit(crlf, e => { e.SetEnv("FLAG", "on"); e.RemoveServer("workers"); });
        Assert.Equal(crlf.Replace("    LOG_LEVEL: info\r\n", "    LOG_LEVEL: info\r\n    FLAG: \"on\"\r\n")
            .Replace("    workers:  # scaled by hand\r\n      type: cx32\r\n      count: 2\r\n", ""), text);
    }

    [Fact]
    public void A_file_without_a_final_line_break_stays_without_one()
    {
        var bare = Commented.TrimEnd('\n');
        var pinned = YamlPathEditor.Set(bare, "ssh_keys.host_keys.master", "ssh-ed25519 AAAA host");
        Assert.True(pinned.KeptLayout, pinned.RewriteReason);
        Assert.Equal(bare + "\n    host_keys:\n      master: ssh-ed25519 AAAA host", pinned.Text);

        var set = Edit(bare, e => e.SetEnv("FLAG", "x"));
        Assert.Equal(bare.Replace("    LOG_LEVEL: info\n", "    LOG_LEVEL: info\n    FLAG: x\n"), set);

        var endsWithSecrets = bare[..(bare.IndexOf("\n\n  ssh_keys:", StringComparison.Ordinal))];
        var added = Edit(endsWithSecrets, e => e.SetSecret("X", "z"));
        Assert.Equal(endsWithSecrets + "\n    X: z", added);
        Assert.Equal(endsWithSecrets, Edit(added, e => e.RemoveSecret("X")));
    }

    [Theory]
    [InlineData("env.FLAG", "yes", "    FLAG: \"yes\"\n")]
    [InlineData("env.MODE", "0755", "    MODE: \"0755\"\n")]
    [InlineData("env.DAY", "2025-01-01", "    DAY: \"2025-01-01\"\n")]
    [InlineData("env.PLAIN", "hello", "    PLAIN: hello\n")]
    public void Credentials_set_quotes_what_YAML_1_1_would_misread_and_keeps_the_comments(string path, string value, string line)
    {
        var edited = YamlPathEditor.Set(Commented, path, value);
        Assert.True(edited.KeptLayout, edited.RewriteReason);
        Assert.Equal(Commented.Replace("    LOG_LEVEL: info\n", "    LOG_LEVEL: info\n" + line), edited.Text);
        Assert.Equal(value, ConfigLoader.Load(edited.Text).Application.Env[path[4..]]);
    }

    [Fact]
    public void Credentials_set_of_an_existing_value_and_a_host_key_pin_change_one_line_each()
    {
        var count = YamlPathEditor.Set(Commented, "servers.workers.count", "3");
        Assert.Equal(Commented.Replace("      count: 2\n", "      count: 3\n"), count.Text);

        var pinned = YamlPathEditor.Set(Commented, "ssh_keys.host_keys.master", "ssh-ed25519 AAAAhost master");
        Assert.True(pinned.KeptLayout, pinned.RewriteReason);
        Assert.Equal(Commented + "    host_keys:\n      master: ssh-ed25519 AAAAhost master\n", pinned.Text);
        var again = YamlPathEditor.Set(pinned.Text, "ssh_keys.host_keys.workers-1", "ssh-ed25519 AAAAother w");
        Assert.Equal(pinned.Text + "      workers-1: ssh-ed25519 AAAAother w\n", again.Text);
    }

    [Fact]
    public void An_empty_key_left_by_the_template_gets_its_entries_and_keeps_its_comments()
    {
        const string template = "application:\n  name: myapp\n  env:\n    # e.g.\n    # RAILS_ENV: production\n\n  secrets:\n    # Secret values\n";
        var edited = YamlPathEditor.Set(template, "env.RAILS_ENV", "production");
        Assert.True(edited.KeptLayout, edited.RewriteReason);
        Assert.Equal("application:\n  name: myapp\n  env:\n    RAILS_ENV: production\n    # e.g.\n    # RAILS_ENV: production\n\n  secrets:\n    # Secret values\n", edited.Text);
        var config = Edit(template, e => e.SetSecret("S", "v"));
        Assert.Equal(template.Replace("  secrets:\n", "  secrets:\n    S: v\n"), config);
    }

    [Fact]
    public void A_flow_map_is_replaced_whole_and_an_edit_inside_it_still_keeps_the_rest()
    {
        const string flow = "# top\napplication:\n  name: myapp  # name\n  env: {A: '1', B: '2'}\n  # tail\n";
        Assert.Equal("# top\napplication:\n  name: myapp  # name\n  env:\n    A: \"1\"\n  # tail\n", Edit(flow, e => e.RemoveEnv("B")));
        var set = YamlPathEditor.Set(flow, "env.C", "3");
        Assert.True(set.KeptLayout, set.RewriteReason);
        Assert.StartsWith("# top\napplication:\n  name: myapp  # name\n  env:", set.Text);
        Assert.EndsWith("  # tail\n", set.Text);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "2", ["C"] = "3" }, ConfigLoader.Load(set.Text).Application.Env);
    }

    [Fact]
    public void What_cannot_be_spliced_falls_back_to_the_full_rewrite_and_says_why()
    {
        const string two = "application:\n  name: myapp\n---\napplication:\n  name: other\n";
        var edited = YamlPathEditor.Set(two, "env.A", "b");
        Assert.False(edited.KeptLayout);
        Assert.Contains("several documents", edited.RewriteReason);
    }

    [Fact]
    public void A_splice_that_would_load_differently_is_not_written()
    {
        // Inserting after a keep-chomped block scalar would move its trailing blank line out of it.
        const string keep = "application:\n  name: myapp\n  ssh_keys:\n    private_key: |+\n      line\n\n";
        var edited = YamlPathEditor.Set(keep, "ssh_keys.public_key", "ssh-ed25519 AAAA x");
        Assert.False(edited.KeptLayout);
        Assert.Contains("would not load as the edit", edited.RewriteReason);
        Assert.Equal(YamlPathEditor.Rewrite(keep, "ssh_keys.public_key", "ssh-ed25519 AAAA x"), edited.Text);
        Assert.Equal("line\n\n", ConfigLoader.Load(edited.Text).Application.SshKeys!.PrivateKey);
    }

    // ---- property: random set/rm sequences on a commented config ----

    private abstract record Step
    {
        public sealed record SetEnv(string Key, string Value) : Step;
        public sealed record RmEnv(int Index) : Step;
        public sealed record SetSecret(string Key, string Value) : Step;
        public sealed record RmSecret(int Index) : Step;
        public sealed record SetServer(string Name, int Count) : Step;
        public sealed record RmServer(int Index) : Step;
        public sealed record CredentialsSet(string Path, string Value) : Step;
    }

    private static readonly Gen<string> Keys = Gen.OneOf<string>("A", "B", "RAILS_ENV", "LOG_LEVEL", "X_1");
    private static readonly Gen<string> Values = Gen.OneOf(Gen.OneOf<string>("yes", "0755", "2025-01-01", "", "~", "a b", "x: y", "#no", "on", "12:30", "plain"),
        Gen.String[Gen.Char["az09 :#'\"-"], 0, 6]);
    private static readonly Gen<Step> Steps = Gen.OneOf<Step>(
        Gen.Select(Keys, Values, (k, v) => (Step)new Step.SetEnv(k, v)),
        Gen.Int[0, 4].Select(i => (Step)new Step.RmEnv(i)),
        Gen.Select(Keys, Values, (k, v) => (Step)new Step.SetSecret(k, v)),
        Gen.Int[0, 4].Select(i => (Step)new Step.RmSecret(i)),
        Gen.Select(Gen.OneOf<string>("workers", "db", "extra"), Gen.Int[1, 3], (n, c) => (Step)new Step.SetServer(n, c)),
        Gen.Int[0, 3].Select(i => (Step)new Step.RmServer(i)),
        Gen.Select(Gen.OneOf<string>("env.A", "env.NEW", "secrets.B", "servers.workers.count", "ssh_keys.host_keys.master", "environment"), Values,
            (p, v) => (Step)new Step.CredentialsSet(p, p.EndsWith("count", StringComparison.Ordinal) ? "4" : v)));

    /// <summary>The comments beside values in the bases (the generated values never contain them).</summary>
    private static readonly string[] TrailingComments = ["# the DNS label", "# scaled by hand", "# always"];

    /// <summary>The comment lines of a text, and the comments beside values, with the number of times each occurs.</summary>
    private static Dictionary<string, int> Comments(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r'))
            .Select(l => l.TrimStart().StartsWith('#') ? l.Trim() : TrailingComments.FirstOrDefault(c => l.EndsWith(" " + c, StringComparison.Ordinal)))
            .OfType<string>()
            .GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public void Random_edit_sequences_give_the_model_level_result_and_keep_every_comment_not_inside_a_removed_key()
    {
        // The two bases: the config above, and the template a first `credentials edit` opens (flow lists,
        // empty `env:`/`secrets:` with comments under them, a literal private key).
        var template = Nvoi.Credentials.CredentialsTemplate.Render();
        Gen.Select(Steps.Array[1, 12], Gen.Bool, Gen.Bool).Sample((steps, crlf, fromTemplate) =>
        {
            var basis = fromTemplate ? template : Commented;
            var text = crlf ? basis.Replace("\n", "\r\n") : basis;
            var model = ConfigLoader.Load(text);
            foreach (var step in steps)
            {
                var comments = Comments(text);
                var removed = new HashSet<string>();
                string next;
                if (step is Step.CredentialsSet cs)
                {
                    var rewrite = YamlPathEditor.Rewrite(text, cs.Path, cs.Value);
                    var edited = YamlPathEditor.Set(text, cs.Path, cs.Value);
                    Assert.True(edited.KeptLayout, edited.RewriteReason);
                    next = edited.Text;
                    Assert.Equal(ConfigWriter.Write(ConfigLoader.Load(rewrite)), ConfigWriter.Write(ConfigLoader.Load(next)));
                    model = ConfigLoader.Load(rewrite);
                }
                else
                {
                    var config = ConfigLoader.Load(text);
                    var reference = ConfigLoader.Load(ConfigWriter.Write(model));
                    foreach (var target in new[] { config, reference })
                    {
                        var editor = new ConfigEditor(target);
                        var a = target.Application;
                        switch (step)
                        {
                            case Step.SetEnv s: editor.SetEnv(s.Key, s.Value); break;
                            case Step.SetSecret s: editor.SetSecret(s.Key, s.Value); break;
                            case Step.SetServer s: editor.SetServer(s.Name, false, "cx32", null, s.Count); break;
                            case Step.RmEnv r when a.Env.Count > 0: editor.RemoveEnv(a.Env.Keys.ElementAt(r.Index % a.Env.Count)); break;
                            case Step.RmSecret r when a.Secrets.Count > 0: editor.RemoveSecret(a.Secrets.Keys.ElementAt(r.Index % a.Secrets.Count)); break;
                            case Step.RmServer r when a.Servers.Keys.Any(k => k != "master"):
                                var names = a.Servers.Keys.Where(k => k != "master").ToList();
                                editor.RemoveServer(names[r.Index % names.Count]);
                                break;
                        }
                    }
                    // The comment lines inside the removed keys (from the key's line to its value's last line) may go.
                    var edited = LayoutKeepingEdit.ForModel(text, config);
                    Assert.True(edited.KeptLayout, edited.RewriteReason);
                    next = edited.Text;
                    Assert.Equal(ConfigWriter.Write(reference), ConfigWriter.Write(ConfigLoader.Load(next)));
                    model = reference;
                    foreach (var line in RemovedLines(text, next)) removed.Add(line);
                }
                var after = Comments(next);
                foreach (var (comment, n) in comments)
                {
                    var kept = after.GetValueOrDefault(comment);
                    var lost = n - kept;
                    Assert.True(lost <= 0 || removed.Any(l => l.Contains(comment, StringComparison.Ordinal)),
                        $"lost '{comment}' after {step}\n--- before\n{text}\n--- after\n{next}");
                }
                Assert.Equal(crlf, next.Contains("\r\n", StringComparison.Ordinal));
                if (crlf) Assert.DoesNotContain("\n", next.Replace("\r\n", ""));
                text = next;
            }
        }, iter: 200);
    }

    /// <summary>Lines of <paramref name="before"/> that a removal took out (whole-line diff by common prefix and suffix).</summary>
    private static IEnumerable<string> RemovedLines(string before, string after)
    {
        var b = before.Split('\n');
        var a = after.Split('\n');
        var head = 0;
        while (head < b.Length && head < a.Length && b[head] == a[head]) head++;
        var tail = 0;
        while (tail < b.Length - head && tail < a.Length - head && b[^(tail + 1)] == a[^(tail + 1)]) tail++;
        return b[head..^tail];
    }
}
