using Nvoi.Credentials;
using YamlDotNet.RepresentationModel;

namespace Nvoi.Tests.Credentials;

public class CredentialsTemplateTests
{
    private static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] path)
    {
        foreach (var key in path) node = ((YamlMappingNode)node).Children[new YamlScalarNode(key)];
        return node;
    }

    private static string Scalar(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    [Fact]
    public void Template_has_the_0_2_0_structure_and_carries_the_keys_exactly()
    {
        var keys = SshKeyGenerator.GenerateEd25519();
        var yaml = CredentialsTemplate.Render(keys);
        var root = Parse(yaml);

        Assert.Equal("myapp", Scalar(root, "application", "name"));
        Assert.Equal("production", Scalar(root, "application", "environment"));
        Assert.Equal("YOUR_CLOUDFLARE_API_TOKEN", Scalar(root, "application", "domain_provider", "cloudflare", "api_token"));
        Assert.Equal("YOUR_CLOUDFLARE_ACCOUNT_ID", Scalar(root, "application", "domain_provider", "cloudflare", "account_id"));
        Assert.Equal("YOUR_HETZNER_API_TOKEN", Scalar(root, "application", "compute_provider", "hetzner", "api_token"));
        Assert.Equal("cx22", Scalar(root, "application", "compute_provider", "hetzner", "server_type"));
        Assert.Equal("fsn1", Scalar(root, "application", "compute_provider", "hetzner", "server_location"));
        Assert.Equal("cx22", Scalar(root, "application", "servers", "master", "type"));
        Assert.Equal("master", ((YamlScalarNode)((YamlSequenceNode)At(root, "application", "app", "web", "servers"))[0]).Value);
        Assert.Equal("3000", Scalar(root, "application", "app", "web", "port"));
        Assert.Equal("/health", Scalar(root, "application", "app", "web", "healthcheck", "path"));
        Assert.Contains("# database:", yaml);
        Assert.Contains("#   adapter: postgres", yaml);
        Assert.Contains("#   adapter: sqlite3", yaml);

        Assert.Equal(keys.PrivateKey, Scalar(root, "application", "ssh_keys", "private_key"));
        Assert.Equal(keys.PublicKey, Scalar(root, "application", "ssh_keys", "public_key"));
        Assert.False(((YamlMappingNode)At(root, "application")).Children.ContainsKey(new YamlScalarNode("database")));
    }

    [Fact]
    public void Name_and_environment_are_substituted_and_quoted_when_needed()
    {
        var keys = SshKeyGenerator.GenerateEd25519();
        var root = Parse(CredentialsTemplate.Render(keys, "shop-api", "staging"));
        Assert.Equal("shop-api", Scalar(root, "application", "name"));
        Assert.Equal("staging", Scalar(root, "application", "environment"));

        var odd = CredentialsTemplate.Render(keys, "a: \"b\" #c", "yes");
        Assert.Contains("environment: \"yes\"", odd);
        root = Parse(odd);
        Assert.Equal("a: \"b\" #c", Scalar(root, "application", "name"));
        Assert.Equal("yes", Scalar(root, "application", "environment"));
    }

    [Fact]
    public void Default_render_generates_a_fresh_deploy_key()
    {
        var a = Parse(CredentialsTemplate.Render());
        var b = Parse(CredentialsTemplate.Render());
        Assert.NotEqual(Scalar(a, "application", "ssh_keys", "public_key"), Scalar(b, "application", "ssh_keys", "public_key"));
        Assert.EndsWith(" nvoi-deploy", Scalar(a, "application", "ssh_keys", "public_key"));
    }
}
