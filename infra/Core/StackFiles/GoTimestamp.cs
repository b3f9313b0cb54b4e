using System.Globalization;
using System.Text.RegularExpressions;

namespace EksIpvs.Core.StackFiles;

/// <summary>
/// An unquoted date or time in a stack file is a YAML timestamp (go-yaml v3 resolve.go parseTimestamp, with the
/// layouts "2006-1-2T15:4:5.999999999Z07:00", the same with "t", "2006-1-2 15:4:5.999999999" and "2006-1-2"), and
/// Pulumi's config object turns it into Go's time.Time.String() (object.go unmarshalObject), e.g. `2024-01-01`
/// arrives as "2024-01-01 00:00:00 +0000 UTC". A numeric offset prints as "+0200 +0200": Go names the zone only
/// when it is the machine's own, and this assumes the CLI runs in UTC, as CI runners do.
/// </summary>
public static partial class GoTimestamp
{
    /// <summary>Go's String() text for a timestamp, or null when the text is not one.</summary>
    public static string? Parse(string text)
    {
        var m = Pattern().Match(text);
        if (!m.Success)
        {
            return null;
        }
        var hasTime = m.Groups["hour"].Success;
        var separator = m.Groups["sep"].Value;
        var hasZone = m.Groups["zone"].Success;
        if (hasTime && (separator == " ") == hasZone)
        {
            return null; // "T" needs a zone, a space allows none
        }
        int Num(string group) => m.Groups[group].Success ? int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        var (year, month, day, hour, minute, second) = (Num("y"), Num("mo"), Num("d"), Num("hour"), Num("min"), Num("s"));
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return null;
        }
        var fraction = m.Groups["frac"].Value;
        fraction = fraction.Length > 9 ? fraction[..9] : fraction;
        fraction = fraction.TrimEnd('0');
        var zone = "+0000 UTC";
        if (hasZone && m.Groups["zone"].Value != "Z")
        {
            var offset = m.Groups["zone"].Value.Replace(":", "", StringComparison.Ordinal);
            zone = offset is "+0000" or "-0000" ? "+0000 UTC" : $"{offset} {offset}";
        }
        return $"{year:0000}-{month:00}-{day:00} {hour:00}:{minute:00}:{second:00}{(fraction.Length > 0 ? "." + fraction : "")} {zone}";
    }

    [GeneratedRegex(@"^(?<y>[0-9]{4})-(?<mo>[0-9]{1,2})-(?<d>[0-9]{1,2})(?:(?<sep>[Tt ])(?<hour>[0-9]{1,2}):(?<min>[0-9]{1,2}):(?<s>[0-9]{1,2})(?:[.,](?<frac>[0-9]+))?(?<zone>Z|[+-][0-9]{2}:[0-9]{2})?)?$")]
    private static partial Regex Pattern();
}
