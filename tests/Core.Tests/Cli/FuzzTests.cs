using System.Text;
using EksIpvs.Core.Validation;

namespace EksIpvs.Core.Tests;

/// <summary>
/// Throws thousands of mutated and random stack files at `render` and asserts it ends with exit 0 (rendered) or 2
/// (told the user what is wrong), never anything else and never a stack trace. Seeded from the parity fixtures and
/// the repository's stack files; reproducible from the seed. Run longer:
/// EKS_IPVS_FUZZ_CASES=200000 EKS_IPVS_FUZZ_SEED=7 dotnet test tests/Core.Tests --filter FuzzTests
/// </summary>
public class FuzzTests : IDisposable
{
    private const int DefaultCases = 3000;
    private const int DefaultSeed = 20261129;

    private static readonly Encoding Lenient = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly string _dir = Directory.CreateTempSubdirectory("eks-ipvs-fuzz").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) ? value : fallback;

    public static IReadOnlyList<string> Seeds() =>
    [
        .. Directory.GetFiles(Repo.Path("tests", "Core.Tests", "parity"), "*.yaml").Order(StringComparer.Ordinal).Select(File.ReadAllText),
        .. Directory.GetFiles(Repo.Root, "Pulumi.*.yaml").Order(StringComparer.Ordinal).Select(File.ReadAllText),
    ];

    [Fact]
    public void Render_ends_with_exit_0_or_2_and_no_stack_trace_on_any_stack_file()
    {
        var cases = Setting("EKS_IPVS_FUZZ_CASES", DefaultCases);
        var seed = Setting("EKS_IPVS_FUZZ_SEED", DefaultSeed);
        var random = new Random(seed);
        var seeds = Seeds();
        Assert.NotEmpty(seeds);
        File.WriteAllText(Path.Combine(_dir, "Pulumi.yaml"), "name: eks-ipvs\nruntime: dotnet\n");
        var stackFile = Path.Combine(_dir, "Pulumi.fuzz.yaml");
        var outcomes = new int[3];
        for (var i = 0; i < cases; i++)
        {
            var yaml = i % 10 == 9 ? Generated(random, 0) : Mutated(random, seeds);
            // Mutations may split a surrogate pair, and now and then bytes that are not UTF-8 at all are written.
            var bytes = Lenient.GetBytes(yaml);
            if (i % 50 == 7 && bytes.Length > 0)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(0x80, 0x100);
            }
            File.WriteAllBytes(stackFile, bytes);
            // Writing the files is slower; every 25th case renders into a folder too.
            string[] args = i % 25 == 0 ? ["render", "--stack", "fuzz", "--out", "out"] : ["render", "--stack", "fuzz"];
            int code;
            string stderr;
            try
            {
                (code, _, stderr) = CliTests.Run(_dir, args);
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i} (EKS_IPVS_FUZZ_SEED={seed}) threw {e.GetType().Name}: {e.Message}\n--- stack file:\n{yaml}\n---\n{e}");
                return;
            }
            Assert.True(code is 0 or 2, $"case {i} (EKS_IPVS_FUZZ_SEED={seed}) exited {code}:\n{stderr}\n--- stack file:\n{yaml}");
            Assert.False(stderr.Contains("   at ", StringComparison.Ordinal), $"case {i}: a stack trace:\n{stderr}\n--- stack file:\n{yaml}");
            Assert.True(code == 0 || stderr.StartsWith("error: ", StringComparison.Ordinal), $"case {i}: exit 2 without an error line:\n{stderr}");
            outcomes[code]++;
        }
        // A fuzzer whose inputs are all refused, or all accepted, tests one path only.
        Assert.True(outcomes[0] > cases / 50, $"only {outcomes[0]} of {cases} cases rendered");
        Assert.True(outcomes[2] > cases / 50, $"only {outcomes[2]} of {cases} cases were refused");
    }

    /// <summary>Scalars and fragments that have tripped YAML readers and validators before.</summary>
    private static readonly string[] Tokens =
    [
        "1.30", "1.3", "1.34", "1.9", "True", "on", "yes", "~", "null", "", ".nan", ".inf", "-.inf", "0x1F", "0o17", "017", "08",
        "1_000", "1e400", "-1", "0", "99999999999999999999", "2024-01-31", "2024-02-30T10:00:00Z", "!!int x", "!!binary ???",
        "!!str 3", "!Ref x", "&a x", "*a", "*nope", "<<: *a", "<<: 3", "[a, b]", "{a: b}", "[]", "{}", "? [a, b]\n  : x",
        "{secure: v1:abc}", "secure: v1:x", "\"quoted\"", "'single'", "|\n    block", ">-\n    folded", "m7g.large",
        "t3.large", "arm64", "x86_64", "ipvs", "nftables", "iptables", "10.0.0.0/16", "eks-ipvs:", "eks-ipvs:config:proxyMode",
        "a:b:c", "aws:region", "- name: x", "name: general", "nodeGroups", "proxyMode", "kubernetesVersion", "labels: {on: off}",
        "taints: [{key: a, effect: NoSchedule}]", "\t", "%YAML 1.1", "---", "...", "#", "@", "`", "\u00e9", "\U0001F600",
        new string('a', 300), "[[[[[[[[[[[[[[[[[[[[", "}}}}", "\"unterminated", "- - - -", ":", "- ", "? ", "&x [*x]",
    ];

    private static string Mutated(Random random, IReadOnlyList<string> seeds)
    {
        var text = seeds[random.Next(seeds.Count)];
        var rounds = 1 + random.Next(4);
        for (var r = 0; r < rounds; r++)
        {
            var lines = text.Split('\n').ToList();
            var at = random.Next(lines.Count);
            switch (random.Next(9))
            {
                case 0: // drop a character
                    if (text.Length > 0)
                    {
                        var p = random.Next(text.Length);
                        text = text.Remove(p, 1);
                    }
                    continue;
                case 1: // insert a token at a random place
                {
                    var p = random.Next(text.Length + 1);
                    text = text.Insert(p, Tokens[random.Next(Tokens.Length)]);
                    continue;
                }
                case 2: // replace a value with a token
                {
                    var colon = lines[at].IndexOf(": ", StringComparison.Ordinal);
                    lines[at] = colon >= 0 ? lines[at][..(colon + 2)] + Tokens[random.Next(Tokens.Length)] : Tokens[random.Next(Tokens.Length)];
                    break;
                }
                case 3: // duplicate a line
                    lines.Insert(at, lines[at]);
                    break;
                case 4: // drop a line
                    lines.RemoveAt(at);
                    break;
                case 5: // re-indent a line
                    lines[at] = new string(' ', random.Next(8)) + lines[at].TrimStart();
                    break;
                case 6: // a line from another seed
                {
                    var other = seeds[random.Next(seeds.Count)].Split('\n');
                    lines.Insert(at, other[random.Next(other.Length)]);
                    break;
                }
                case 7: // swap two lines
                {
                    var other = random.Next(lines.Count);
                    (lines[at], lines[other]) = (lines[other], lines[at]);
                    break;
                }
                default: // a random byte-level change
                {
                    if (text.Length > 0)
                    {
                        var chars = text.ToCharArray();
                        chars[random.Next(chars.Length)] = (char)random.Next(0x20, 0x7f);
                        text = new string(chars);
                    }
                    continue;
                }
            }
            text = string.Join('\n', lines);
        }
        return text;
    }

    /// <summary>A random config: known and unknown keys with random values of every shape.</summary>
    private static string Generated(Random random, int _)
    {
        var text = new StringBuilder("config:\n");
        var keys = ConfigKeys.All.Select(k => k.Name).Concat(["schedular", "aws:region", "other:key"]).ToArray();
        var count = random.Next(1, 8);
        for (var i = 0; i < count; i++)
        {
            var key = keys[random.Next(keys.Length)];
            text.Append("  ").Append(random.Next(3) == 0 || key.Contains(':', StringComparison.Ordinal) ? key : $"eks-ipvs:{key}").Append(':');
            text.Append(Value(random, 2)).Append('\n');
        }
        return text.ToString();
    }

    private static string Value(Random random, int indent)
    {
        var pad = new string(' ', indent + 2);
        switch (random.Next(6))
        {
            case 0:
                return " " + Tokens[random.Next(Tokens.Length)];
            case 1:
                return " [" + string.Join(", ", Enumerable.Range(0, random.Next(4)).Select(_ => Tokens[random.Next(20)])) + "]";
            case 2 when indent < 12:
            {
                var fields = ConfigKeys.NodeGroupFields.Select(f => f.Name).ToArray();
                var items = new StringBuilder();
                for (var i = 0; i < random.Next(1, 3); i++)
                {
                    items.Append('\n').Append(pad).Append("- name: g").Append(i);
                    for (var f = 0; f < random.Next(4); f++)
                    {
                        items.Append('\n').Append(pad).Append("  ").Append(fields[random.Next(fields.Length)]).Append(':').Append(Value(random, indent + 4));
                    }
                }
                return items.ToString();
            }
            case 3 when indent < 12:
                return "\n" + pad + "a:" + Value(random, indent + 2) + "\n" + pad + "b:" + Value(random, indent + 2);
            case 4:
                return " {secure: v1:" + random.Next() + "}";
            default:
                return " \"" + Tokens[random.Next(Tokens.Length)].Replace("\"", "", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal) + "\"";
        }
    }
}
