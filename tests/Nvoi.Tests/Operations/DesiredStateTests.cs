using Nvoi.Configuration;
using Nvoi.Operations.Deploy;

namespace Nvoi.Tests.Operations;

public class DesiredStateTests
{
    private static DesiredState Shop() => new(new DeployConfig
    {
        Application = new Application
        {
            Name = "shop",
            ComputeProvider = new ComputeProvider { Hetzner = new HetznerConfig { ApiToken = "t", ServerType = "cx22", ServerLocation = "fsn1" } },
            Servers = { ["master"] = new ServerGroup { Master = true }, ["workers"] = new ServerGroup { Count = 2 } },
        },
    });

    [Theory]
    [InlineData("shop-master-1", "master", 1)]
    [InlineData("shop-workers-2", "workers", 2)]
    [InlineData("shop-workers-7", "workers", 7)] // past the count: still a member of the group (surplus)
    public void A_server_name_gives_its_group_and_index(string name, string group, int index) =>
        Assert.Equal((group, index), Shop().GroupMember(name));

    [Theory]
    [InlineData("shop-master-0")]
    [InlineData("shop-master-+1")]
    [InlineData("shop-master- 1")]
    [InlineData("shop-db-1")]
    [InlineData("shopx-master-1")]
    [InlineData("other-master-1")]
    public void Other_names_are_not_members(string name) => Assert.Null(Shop().GroupMember(name));
}
