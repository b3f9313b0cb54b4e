using EksIpvs.Core.Validation;
using EksIpvs.Core.Versions;

namespace EksIpvs.Core.Tests;

/// <summary>Tables of outside facts age: the summary dates each one it used, and an old one warns, never blocks.</summary>
public class FactTableTests
{
    [Fact]
    public void Every_table_names_its_file_its_checked_day_and_where_to_update_it()
    {
        Assert.Equal(["Kubernetes versions", "add-on versions", "AMI release version formats", "instance family architectures"], FactTables.All.Select(t => t.Name));
        foreach (var table in FactTables.All)
        {
            Assert.True(File.Exists(Repo.Path(table.File)), table.File);
            // The date lives beside the rows, so whoever updates them sees it.
            var text = File.ReadAllText(Repo.Path(table.File));
            var c = table.Checked;
            Assert.True(text.Contains($"new({c.Year}, {c.Month}, {c.Day})", StringComparison.Ordinal) || text.Contains(KubernetesVersions.Date(c), StringComparison.Ordinal), table.File);
            Assert.True(table.UpdateFrom.Length > 20, table.Name);
        }
    }

    [Fact]
    public void A_table_older_than_90_days_on_the_render_day_is_a_warning_that_says_how_to_update_it()
    {
        var table = FactTables.KubernetesVersionsTable; // checked 2026-12-02
        var day = table.Checked.AddDays(FactTables.MaxAgeDays + 1);
        var result = SpecValidator.Validate(Stacks.Config(("kubernetesVersion", "1.36"), ("addonVersions", """{"vpcCni": "v1.21.1-eksbuild.1"}""")), day);
        Assert.True(result.IsValid, string.Join("\n", result.Errors)); // never blocks
        Assert.Contains(
            "infra/Core/Versions/KubernetesVersions.cs: this project's table of Kubernetes versions was checked on 2026-12-02, 91 days before 2027-03-03 " +
            "(more than 90), so AWS may have moved on; advice: re-read " + KubernetesVersions.UpdateFrom +
            "; update the rows in infra/Core/Versions/KubernetesVersions.cs, each with its source, and the table's checked date",
            result.Warnings.Select(w => w.ToString()));
    }

    [Fact]
    public void A_table_is_fresh_for_90_days()
    {
        Assert.Empty(FactTables.Stale(FactTables.All, FactTables.All.Min(t => t.Checked).AddDays(FactTables.MaxAgeDays)));
        Assert.Single(FactTables.Stale([FactTables.InstanceFamilies], FactTables.InstanceFamilies.Checked.AddDays(FactTables.MaxAgeDays + 1)));
    }

    [Fact]
    public void Only_the_tables_a_stack_used_are_dated_and_judged()
    {
        var pinned = Stacks.Valid(("addonVersions", """{"kubeProxy": "v1.35.3-eksbuild.12", "vpcCni": "v1.21.0-eksbuild.4", "coreDns": "v1.14.3-eksbuild.2"}"""));
        Assert.DoesNotContain(FactTables.AddonVersionsTable, FactTables.UsedBy(pinned));
        Assert.Contains(FactTables.AddonVersionsTable, FactTables.UsedBy(Stacks.Valid()));
        Assert.DoesNotContain(FactTables.AmiReleaseFormats, FactTables.UsedBy(Stacks.Valid()));
        Assert.Contains(FactTables.AmiReleaseFormats, FactTables.UsedBy(
            Stacks.Valid(("nodeGroups", """[{"name": "a", "amiReleaseVersion": "1.35.2-20251112"}]"""))));
    }

    [Fact]
    public void The_summary_prints_the_date_of_each_table_it_used()
    {
        Assert.Contains(
            "Fact tables used (checked on; a table older than 90 days on the render day earns a warning): " +
            "Kubernetes versions 2026-12-02 (infra/Core/Versions/KubernetesVersions.cs), add-on versions 2026-11-29 (infra/Core/Versions/AddonVersions.cs), " +
            "instance family architectures 2026-11-29 (infra/Core/Validation/InstanceTypes.cs)\n",
            Cli.Summary.Of(Stacks.Valid(), [], null, "eu-west-1"));
    }

    [Fact]
    public void Render_on_a_day_the_tables_are_old_warns_with_how_to_update_and_still_renders()
    {
        var day = FactTables.KubernetesVersionsTable.Checked.AddDays(120);
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = Cli.Cli.Run(["render", "--stack", "dev"], stdout, stderr, Repo.Root, new CliTests.FixedClock(day));
        Assert.Equal(0, code);
        var text = stdout.ToString();
        Assert.Contains("  - infra/Core/Versions/KubernetesVersions.cs: this project's table of Kubernetes versions was checked on 2026-12-02, 120 days before 2027-04-01", text);
        Assert.Contains("  - infra/Core/Versions/AddonVersions.cs: this project's table of add-on versions was checked on 2026-11-29, 123 days before 2027-04-01", text);
        Assert.DoesNotContain("AmiReleaseVersions.cs: this project's table", text); // the dev stack pins no AMI release
    }
}
