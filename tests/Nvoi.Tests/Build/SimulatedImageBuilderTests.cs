using Microsoft.Extensions.Time.Testing;
using Nvoi.Build;
using Nvoi.Operations.Progress;

namespace Nvoi.Tests.Build;

public class SimulatedImageBuilderTests
{
    private static BuildRequest Request(BuildTestFiles f, string platform = "linux/amd64") =>
        new(f.Context, platform, "nvoi-myapp", "20261125190000", "localhost:35123");

    private static BuildTestFiles App()
    {
        var f = new BuildTestFiles();
        f.Write("Dockerfile", "# syntax=docker/dockerfile:1\nARG BASE=alpine\nFROM $BASE\nCOPY . /app\n");
        f.Write("app.rb", "puts 'hi'\n");
        f.Write("lib/util.rb", "def x = 1\n");
        return f;
    }

    private static async Task<BuiltImage> BuildAsync(BuildTestFiles f, List<BuiltImage>? pushed = null, string platform = "linux/amd64") =>
        await new SimulatedImageBuilder(i => pushed?.Add(i), new FakeTimeProvider())
            .BuildAndPushAsync(Request(f, platform), new RecordingSink(), "build", CancellationToken.None);

    [Fact]
    public async Task Records_the_pushed_image_and_reports_the_simulation()
    {
        using var f = App();
        var pushed = new List<BuiltImage>();
        var sink = new RecordingSink();

        var image = await new SimulatedImageBuilder(pushed.Add, new FakeTimeProvider())
            .BuildAndPushAsync(Request(f), sink, "build", CancellationToken.None);

        Assert.Equal(image, Assert.Single(pushed));
        Assert.Equal("nvoi-myapp:20261125190000", image.LocalTag);
        Assert.Equal("localhost:30500/nvoi-myapp:20261125190000", image.ClusterImage);
        Assert.Matches("^sha256:[0-9a-f]{64}$", image.ContentDigest);
        var message = Assert.IsType<ProgressMessage>(Assert.Single(sink.Events));
        Assert.Equal(("build", SimulatedImageBuilder.Notice), (message.StepId, message.Text));
    }

    [Fact]
    public async Task Digest_is_stable_for_the_same_context()
    {
        using var f = App();
        var first = await BuildAsync(f);
        var second = await BuildAsync(f);
        Assert.Equal(first.ContentDigest, second.ContentDigest);
    }

    [Fact]
    public async Task Digest_changes_with_content_file_names_dockerfile_and_platform()
    {
        using var f = App();
        var digests = new List<string> { (await BuildAsync(f)).ContentDigest };
        f.Write("app.rb", "puts 'ho'\n");
        digests.Add((await BuildAsync(f)).ContentDigest);
        File.Move(Path.Combine(f.Context, "lib/util.rb"), Path.Combine(f.Context, "lib/util2.rb"));
        digests.Add((await BuildAsync(f)).ContentDigest);
        f.Write("Dockerfile", "FROM alpine\nCOPY . /srv\n");
        digests.Add((await BuildAsync(f)).ContentDigest);
        digests.Add((await BuildAsync(f, platform: "linux/arm64")).ContentDigest);
        Assert.Equal(digests.Count, digests.Distinct().Count());
    }

    [Fact]
    public async Task Dockerignored_files_do_not_change_the_digest()
    {
        using var f = App();
        f.Write(".dockerignore", "# local stuff\nlog/\n*.tmp\n**/cache\n!keep.tmp\n");
        var before = (await BuildAsync(f)).ContentDigest;
        f.Write("log/development.log", "noise");
        f.Write("scratch.tmp", "noise");
        f.Write("lib/cache/x", "noise");
        Assert.Equal(before, (await BuildAsync(f)).ContentDigest);
        f.Write("keep.tmp", "kept");
        Assert.NotEqual(before, (await BuildAsync(f)).ContentDigest);
    }

    [Fact]
    public async Task Missing_dockerfile_is_an_error_and_nothing_is_pushed()
    {
        using var f = new BuildTestFiles();
        var pushed = new List<BuiltImage>();
        var ex = await Assert.ThrowsAsync<ImageBuildException>(() => BuildAsync(f, pushed));
        Assert.StartsWith("no Dockerfile at ", ex.Message);
        Assert.Empty(pushed);
    }

    [Theory]
    [InlineData("RUN echo hi\nFROM alpine\n")]
    [InlineData("# only a comment\n")]
    [InlineData("")]
    public async Task Dockerfile_without_leading_from_is_rejected(string dockerfile)
    {
        using var f = new BuildTestFiles();
        f.Write("Dockerfile", dockerfile);
        var ex = await Assert.ThrowsAsync<ImageBuildException>(() => BuildAsync(f));
        Assert.EndsWith("does not start with a FROM instruction", ex.Message);
    }
}

public class DockerIgnoreTests
{
    [Theory]
    [InlineData("node_modules", "node_modules/a/b.js", true)]
    [InlineData("node_modules/", "node_modules/a/b.js", true)]
    [InlineData("/tmp", "tmp/x", true)]
    [InlineData("*.log", "a.log", true)]
    [InlineData("*.log", "dir/a.log", false)]
    [InlineData("**/*.log", "dir/sub/a.log", true)]
    [InlineData("**/*.log", "a.log", true)]
    [InlineData("doc?.md", "doc1.md", true)]
    [InlineData("doc?.md", "doc12.md", false)]
    [InlineData(".git", ".github/workflows/ci.yml", false)]
    public void Patterns(string pattern, string path, bool excluded) =>
        Assert.Equal(excluded, new DockerIgnore([pattern]).IsExcluded(path));

    [Fact]
    public void Last_match_wins_with_negation()
    {
        var ignore = new DockerIgnore(["*.md", "!README.md", "# comment", ""]);
        Assert.True(ignore.IsExcluded("CHANGELOG.md"));
        Assert.False(ignore.IsExcluded("README.md"));
    }

    [Fact]
    public void File_can_be_re_included_under_an_excluded_directory()
    {
        var ignore = new DockerIgnore(["log/", "!log/keep.txt"]);
        Assert.True(ignore.IsExcluded("log/dev.log"));
        Assert.False(ignore.IsExcluded("log/keep.txt"));
    }
}
