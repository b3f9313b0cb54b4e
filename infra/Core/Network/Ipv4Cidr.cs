using System.Globalization;

namespace EksIpvs.Core.Network;

/// <summary>An IPv4 network in CIDR notation, with its host bits zero.</summary>
public readonly record struct Ipv4Cidr(uint Network, int Prefix)
{
    public static bool TryParse(string text, out Ipv4Cidr cidr, out bool hostBitsSet)
    {
        cidr = default;
        hostBitsSet = false;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)
            || prefix > 32
            || !TryParseAddress(text[..slash], out var address))
        {
            return false;
        }
        var network = address & Mask(prefix);
        hostBitsSet = network != address;
        cidr = new Ipv4Cidr(network, prefix);
        return true;
    }

    public ulong Size => 1UL << (32 - Prefix);

    public bool Contains(Ipv4Cidr other) =>
        other.Prefix >= Prefix && (other.Network & Mask(Prefix)) == Network;

    /// <summary>The index-th block of prefix <paramref name="newPrefix"/> inside this network.</summary>
    public Ipv4Cidr Subnet(int newPrefix, int index)
    {
        if (newPrefix < Prefix || newPrefix > 32 || index < 0 || (ulong)index >= 1UL << (newPrefix - Prefix))
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"{this} has no block {index} of /{newPrefix}");
        }
        return new Ipv4Cidr(Network + (uint)((ulong)index << (32 - newPrefix)), newPrefix);
    }

    public override string ToString() =>
        $"{Network >> 24}.{(Network >> 16) & 255}.{(Network >> 8) & 255}.{Network & 255}/{Prefix}";

    private static uint Mask(int prefix) => prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);

    private static bool TryParseAddress(string text, out uint address)
    {
        address = 0;
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3
                || !byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var octet)
                || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }
            address = (address << 8) | octet;
        }
        return true;
    }
}
