using Nvoi.Configuration.Editing.Splicing;

namespace Nvoi.Configuration.Editing;

/// <summary>The text an edit writes; <see cref="RewriteReason"/> says why it is the full rewrite, when it is.</summary>
public sealed record EditedText(string Text, string? RewriteReason)
{
    /// <summary>Only the edited entries changed: comments, blank lines and key order were kept.</summary>
    public bool KeptLayout => RewriteReason is null;
}

/// <summary>
/// Every edit of deploy.enc goes through here: it changes only the text of the entries the edit touches
/// (see <see cref="YamlSplicer"/>) and checks that the result loads exactly as the full rewrite does; when it
/// cannot splice, or the result would load differently, it returns the full rewrite and says why. So the
/// meaning of an edit never depends on which of the two is written.
/// </summary>
public static class LayoutKeepingEdit
{
    /// <summary>A `config … set|rm` edit: <paramref name="original"/> changed to hold <paramref name="edited"/>.</summary>
    public static EditedText ForModel(string original, DeployConfig edited)
    {
        var rewrite = ConfigWriter.Write(edited);
        string before;
        try { before = ConfigWriter.Write(ConfigLoader.Parse(original).Config); }
        catch (ConfigException) { return new EditedText(rewrite, "the current file does not load"); }
        if (before == rewrite) return new EditedText(original, null);
        var spliced = YamlSplicer.Apply(original, before, rewrite, out var reason);
        if (spliced is null) return new EditedText(rewrite, reason);
        try
        {
            if (ConfigWriter.Write(ConfigLoader.Parse(spliced).Config) == rewrite) return new EditedText(spliced, null);
        }
        catch (ConfigException) { }
        return new EditedText(rewrite, "the spliced text would not load as the edit");
    }

    /// <summary>An edit of the YAML tree: <paramref name="rewrite"/> is the whole edited document, re-serialised.</summary>
    public static EditedText ForTree(string original, string rewrite)
    {
        var spliced = YamlSplicer.Apply(original, original, rewrite, out var reason);
        if (spliced is null) return new EditedText(rewrite, reason);
        return SpanTree.Parse(spliced) is { } result && SpanTree.Parse(rewrite) is { } target && SpanTree.Same(result, target)
            ? new EditedText(spliced, null)
            : new EditedText(rewrite, "the spliced text would not load as the edit");
    }
}
