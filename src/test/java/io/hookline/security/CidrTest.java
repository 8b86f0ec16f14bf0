package io.hookline.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class CidrTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void rangesContainWhatTheirPrefixCovers() throws Exception {
        Cidr ten = Cidr.parse("10.20.0.0/16");
        assertThat(ten.contains(ip("10.20.255.1"))).isTrue();
        assertThat(ten.contains(ip("10.21.0.1"))).isFalse();
        Cidr odd = Cidr.parse("192.168.4.0/22");
        assertThat(odd.contains(ip("192.168.7.255"))).isTrue();
        assertThat(odd.contains(ip("192.168.8.0"))).isFalse();
        Cidr v6 = Cidr.parse("fd00:1::/32");
        assertThat(v6.contains(ip("fd00:1:ffff::9"))).isTrue();
        assertThat(v6.contains(ip("fd00:2::9"))).isFalse();
        assertThat(v6.contains(ip("10.20.0.1"))).isFalse();
        assertThat(Cidr.parse("127.0.0.1").contains(ip("127.0.0.1"))).isTrue();
        assertThat(Cidr.parse("127.0.0.1").contains(ip("127.0.0.2"))).isFalse();
    }

    @Test
    void badRangesAreRefusedWithTheirText() {
        for (String bad : List.of("10.0.0.0/33", "example.com/8", "10.0.0.0/x", "")) {
            assertThatThrownBy(() -> Cidr.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("CIDR");
        }
    }

    @Test
    void anAllowedRangeOpensOnlyItself() throws Exception {
        TargetPolicy policy = new TargetPolicy(false, List.of(Cidr.parse("10.20.0.0/16")));
        assertThat(policy.permits(ip("10.20.1.1"))).isTrue();
        assertThat(policy.permits(ip("10.21.1.1"))).isFalse();
        assertThat(policy.permits(ip("127.0.0.1"))).isFalse();
        assertThat(policy.permits(ip("8.8.8.8"))).isTrue();
    }
}
