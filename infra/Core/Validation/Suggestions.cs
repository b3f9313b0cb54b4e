namespace EksIpvs.Core.Validation;

/// <summary>"Did you mean" for mistyped keys: edit distance against each known key and against its camelCase
/// tails, so "schedular" finds "ipvsScheduler" and "vpcCdir" finds "vpcCidr".</summary>
internal static class Suggestions
{
    public static string? Closest(string typo, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = Tails(candidate).Min(tail => Distance(typo.ToLowerInvariant(), tail.ToLowerInvariant()));
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }
        return bestDistance <= Math.Max(2, typo.Length / 3) ? best : null;
    }

    /// <summary>"ipvsScheduler" → "ipvsScheduler", "Scheduler".</summary>
    private static IEnumerable<string> Tails(string key)
    {
        yield return key;
        for (var i = 1; i < key.Length; i++)
        {
            if (char.IsUpper(key[i]))
            {
                yield return key[i..];
            }
        }
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    internal static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            previous = current;
        }
        return previous[b.Length];
    }
}
