using Nvoi.Credentials;

namespace Nvoi.Tests.Credentials;

public class GitIgnoreTests
{
    [Fact]
    public void Missing_gitignore_is_created_with_the_entry()
    {
        using var dir = new TempDir();
        Assert.True(GitIgnore.Ensure(dir.Path));
        Assert.Equal("\n# NVOI master key (do not commit)\ndeploy.key\n\n# nvoi local state: sandbox (holds secrets) and deploy.enc lock files\n.nvoi/\n*.enc.lock\n", File.ReadAllText(dir[".gitignore"]));
    }

    [Fact]
    public void Entry_is_appended_after_a_trailing_newline()
    {
        using var dir = new TempDir();
        dir.Write(".gitignore", "node_modules/\n");
        Assert.True(GitIgnore.Ensure(dir.Path));
        Assert.Equal("node_modules/\n\n# NVOI master key (do not commit)\ndeploy.key\n\n# nvoi local state: sandbox (holds secrets) and deploy.enc lock files\n.nvoi/\n*.enc.lock\n", File.ReadAllText(dir[".gitignore"]));
    }

    [Fact]
    public void Newline_is_added_when_the_file_does_not_end_with_one()
    {
        using var dir = new TempDir();
        dir.Write(".gitignore", "log/*.log");
        Assert.True(GitIgnore.Ensure(dir.Path));
        Assert.Equal("log/*.log\n\n# NVOI master key (do not commit)\ndeploy.key\n\n# nvoi local state: sandbox (holds secrets) and deploy.enc lock files\n.nvoi/\n*.enc.lock\n", File.ReadAllText(dir[".gitignore"]));
    }

    [Theory]
    [InlineData("deploy.key\n.nvoi/\n*.enc.lock\n")]
    [InlineData("tmp/\n  deploy.key  \r\n.nvoi\n *.enc.lock\n.env")]
    public void Already_listed_leaves_the_file_alone(string content)
    {
        using var dir = new TempDir();
        dir.Write(".gitignore", content);
        Assert.False(GitIgnore.Ensure(dir.Path));
        Assert.Equal(content, File.ReadAllText(dir[".gitignore"]));
    }

    [Fact]
    public void A_mere_mention_is_not_a_listing_and_a_second_call_adds_nothing()
    {
        using var dir = new TempDir();
        dir.Write(".gitignore", "# deploy.key is handled below\nconfig/deploy.key.bak\n");
        Assert.True(GitIgnore.Ensure(dir.Path));
        var once = File.ReadAllText(dir[".gitignore"]);
        Assert.Contains("\ndeploy.key\n", once);
        Assert.EndsWith("\n.nvoi/\n*.enc.lock\n", once);
        Assert.False(GitIgnore.Ensure(dir.Path));
        Assert.Equal(once, File.ReadAllText(dir[".gitignore"]));
    }

    [Fact]
    public void A_gitignore_from_0_2_0_gets_only_the_local_state_lines()
    {
        using var dir = new TempDir();
        dir.Write(".gitignore", "\n# NVOI master key (do not commit)\ndeploy.key\n");
        Assert.True(GitIgnore.Ensure(dir.Path));
        Assert.Equal("\n# NVOI master key (do not commit)\ndeploy.key\n\n# nvoi local state: sandbox (holds secrets) and deploy.enc lock files\n.nvoi/\n*.enc.lock\n", File.ReadAllText(dir[".gitignore"]));
    }
}
