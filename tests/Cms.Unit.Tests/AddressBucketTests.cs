using Cms.Domain.Common;

namespace Cms.Unit.Tests;

/// <summary>Whom the sign-in limits count as one client (issue 24 review): an IPv4 address, an IPv6 /64.</summary>
public class AddressBucketTests
{
    [Theory]
    [InlineData("192.0.2.7", "192.0.2.7")]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("::1", "::/64")]
    [InlineData(null, "unknown")]
    [InlineData("", "unknown")]
    [InlineData("not an address", "not an address")]
    public void An_address_falls_in_its_bucket(string? address, string bucket) => Assert.Equal(bucket, AddressBucket.Of(address));

    [Fact]
    public void Addresses_rotated_inside_one_ipv6_64_are_one_client_and_another_64_is_another()
    {
        var buckets = Enumerable.Range(1, 100).Select(i => AddressBucket.Of($"2001:db8:aa:bb:{i:x}:{i * 7:x}:1:{i:x}")).Distinct().ToList();
        Assert.Single(buckets);
        Assert.NotEqual(buckets[0], AddressBucket.Of("2001:db8:aa:bc::1"));
    }
}
