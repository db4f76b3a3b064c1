using System.Net;

namespace Cms.Domain.Common;

/// <summary>
/// Whom a limit counts as one client: an IPv4 address, or an IPv6 /64 — one subscriber's network, whose 2^64 addresses one
/// person can rotate at will (RFC 4291 interface identifiers), so that a limit per address would be none.
/// </summary>
public static class AddressBucket
{
    public static string Of(string? address)
    {
        if (string.IsNullOrEmpty(address) || !IPAddress.TryParse(address, out var ip)) return string.IsNullOrEmpty(address) ? "unknown" : address;
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return ip.ToString();
        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
