using EksIpvs.Core.Nodes;
using static EksIpvs.Core.Tests.Stacks;

namespace EksIpvs.Core.Tests;

/// <summary>What nodes receive, per OS and mode, as golden files; and the properties a reviewer relies on.</summary>
public class NodeBootstrapTests
{
    private static NodeBootstrap For(params (string, string)[] config)
    {
        var spec = Valid(config);
        return NodeBootstrap.For(spec, spec.NodeGroups.Single());
    }

    [Fact]
    public void Al2023_ipvs_with_bandwidth()
    {
        Golden.Matches("userdata/al2023-ipvs-rr-bandwidth.userdata", For().UserDataFile());
        // The setup script the user data carries gzip+base64, decoded, so a diff shows every script change.
        Golden.Matches("userdata/al2023-ipvs-rr-bandwidth.node-setup.sh", For().SetupScript!);
    }

    [Fact]
    public void Al2023_nftables_gets_only_the_bandwidth_guard()
    {
        var bootstrap = For(("proxyMode", "nftables"));
        Assert.DoesNotContain("ipvs-modules.sh", bootstrap.UserDataFile());
        Golden.Matches("userdata/al2023-nftables-bandwidth.userdata", bootstrap.UserDataFile());
        Golden.Matches("userdata/al2023-nftables-bandwidth.node-setup.sh", bootstrap.SetupScript!);
    }

    [Fact]
    public void Al2023_iptables_without_bandwidth_gets_nothing()
    {
        var bootstrap = For(("proxyMode", "iptables"), ("bandwidthPlugin", "false"));
        Assert.Empty(bootstrap.Parts);
        Assert.Null(bootstrap.SetupScript);
        Assert.Equal("", bootstrap.UserDataFile());
    }

    [Fact]
    public void Al2023_extra_user_data_runs_last_verbatim()
    {
        var bootstrap = For(("nodeGroups", """[{"name": "a", "extraUserData": "#!/bin/bash\nsysctl -w net.core.somaxconn=4096"}]"""));
        Assert.Equal(2, bootstrap.Parts.Count);
        Assert.Equal("#!/bin/bash\nsysctl -w net.core.somaxconn=4096\n", bootstrap.Parts[^1].Content);
        Golden.Matches("userdata/al2023-ipvs-rr-bandwidth-extra.userdata", bootstrap.UserDataFile());
    }

    [Fact]
    public void Bottlerocket_ipvs_allows_and_autoloads_every_ipvs_module()
    {
        var bootstrap = For(("ipvsScheduler", "wrr"), ("nodeGroups", """[{"name": "br", "operatingSystem": "Bottlerocket"}]"""));
        Assert.Empty(bootstrap.Parts);
        Golden.Matches("userdata/bottlerocket-ipvs.toml", bootstrap.UserDataFile());
        var modules = (Dictionary<string, object>)((Dictionary<string, object>)((Dictionary<string, object>)
            bootstrap.BottlerocketSettings!.ToDictionary()["settings"])["kernel"])["modules"];
        Assert.Equal(NodeBootstrap.IpvsModules.Order(StringComparer.Ordinal), modules.Keys);
        Assert.Contains(bootstrap.Notes, n => n.Contains("vpc-cni add-on's ENABLE_BANDWIDTH_PLUGIN alone", StringComparison.Ordinal));
    }

    [Fact]
    public void Bottlerocket_outside_ipvs_needs_no_settings() =>
        Assert.Null(For(("proxyMode", "nftables"), ("nodeGroups", """[{"name": "br", "operatingSystem": "Bottlerocket"}]""")).BottlerocketSettings);

    [Fact]
    public void The_documented_module_list()
    {
        Assert.Equal(["ip_vs", "ip_vs_rr", "ip_vs_wrr", "ip_vs_lc", "ip_vs_wlc", "ip_vs_lblc", "ip_vs_lblcr", "ip_vs_sh", "ip_vs_dh", "ip_vs_sed", "ip_vs_nq", "nf_conntrack"],
            NodeBootstrap.IpvsModules);
    }

    [Theory]
    [InlineData("rr")]
    [InlineData("lblcr")]
    public void The_setup_script_loads_the_configured_scheduler(string scheduler)
    {
        var bootstrap = For(("ipvsScheduler", scheduler));
        Assert.Equal("text/x-shellscript", bootstrap.Parts[0].ContentType);
        Assert.Contains($"\n{NodeBootstrap.InstallDirectory}/ipvs-modules.sh {scheduler}\n", bootstrap.SetupScript);
    }

    [Fact]
    public void Each_script_is_carried_in_its_compact_form_byte_for_byte()
    {
        // Decoded from the part's own bytes (gunzipped by System.IO.Compression, not the library that packed it).
        var setup = NodePayload.Decode(For().Parts[0].Content);
        Assert.NotNull(setup);
        Assert.Equal(For().SetupScript, setup);
        foreach (var name in NodeScripts.Names)
        {
            var content = NodeScripts.Compact(name);
            Assert.EndsWith("\n", content);
            Assert.DoesNotContain("\nEKS_IPVS_FILE\n", "\n" + content);
            Assert.Contains($"<<'EKS_IPVS_FILE'\n{content}EKS_IPVS_FILE\n", setup);
        }
    }

    [Fact]
    public void The_project_part_is_one_short_installer_of_base64_lines()
    {
        var part = For().Parts.Single().Content;
        var lines = part.Split('\n');
        var start = Array.IndexOf(lines, "base64 -d <<'EKS_IPVS_PAYLOAD' | gzip -dc >/usr/local/libexec/eks-ipvs/node-setup.sh.new");
        var end = Array.IndexOf(lines, "EKS_IPVS_PAYLOAD");
        Assert.True(start > 0 && end > start, part);
        Assert.All(lines[(start + 1)..end], l => Assert.Matches("^[A-Za-z0-9+/=]{1,76}$", l));
        // Everything but the payload is the few lines a reviewer reads.
        Assert.InRange(lines.Length - (end - start - 1), 10, 16);
        Assert.EndsWith("\nexec /usr/local/libexec/eks-ipvs/node-setup.sh\n", part);
    }

    [Fact]
    public void Gzip_is_deterministic_rfc_1952_without_name_or_time()
    {
        var data = System.Text.Encoding.UTF8.GetBytes(NodeScripts.Compact("ipvs-modules.sh"));
        var gz = NodePayload.Gzip(data);
        Assert.Equal(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3 }, gz[..10]);
        Assert.Equal(gz, NodePayload.Gzip(data));
        Assert.Equal(data.Length, BitConverter.ToInt32(gz, gz.Length - 4));
        using var unzip = new System.IO.Compression.GZipStream(new MemoryStream(gz), System.IO.Compression.CompressionMode.Decompress);
        var back = new MemoryStream();
        unzip.CopyTo(back);
        Assert.Equal(data, back.ToArray());
        Assert.True(gz.Length < data.Length / 2, $"{gz.Length} of {data.Length}");
    }

    [Fact]
    public void Node_user_data_never_touches_kubelet()
    {
        foreach (var name in NodeScripts.Names)
        {
            var code = string.Join('\n', NodeScripts.Read(name).Split('\n').Where(l => !l.TrimStart().StartsWith('#')));
            Assert.DoesNotMatch(@"systemctl\s+(start|restart|stop|reload)\s+(kubelet|containerd)|nodeadm\s+init", code);
        }
    }
}
