package io.hookline.security;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

/**
 * Which addresses a callback may reach. Unless private targets are allowed, loopback, private, link-local, CGNAT,
 * multicast, unspecified, documentation and other special-purpose ranges are refused (IPv4 and IPv6, with the
 * IPv4-mapped and -compatible IPv6 forms checked as the IPv4 address they carry). Ranges listed in
 * {@code allowedTargetCidrs} are permitted all the same (a private network the callbacks really live in).
 */
public final class TargetPolicy {

    private final boolean allowPrivate;
    private final List<Cidr> allowed;

    public TargetPolicy(boolean allowPrivate, List<Cidr> allowed) {
        this.allowPrivate = allowPrivate;
        this.allowed = List.copyOf(allowed);
    }

    public boolean allowPrivate() {
        return allowPrivate;
    }

    public boolean permits(InetAddress address) {
        return allowPrivate || !isSpecialPurpose(address) || allowed.stream().anyMatch(c -> c.contains(address));
    }

    public static boolean isSpecialPurpose(InetAddress address) {
        if (address.isAnyLocalAddress()
                || address.isLoopbackAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return isSpecialV4(b[0] & 0xff, b[1] & 0xff, b[2] & 0xff);
        }
        if (address instanceof Inet6Address) {
            boolean firstTenZero = true;
            for (int i = 0; i < 10; i++) {
                firstTenZero &= b[i] == 0;
            }
            // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible) carry an IPv4 address
            if (firstTenZero && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0))) {
                return isSpecialV4(b[12] & 0xff, b[13] & 0xff, b[14] & 0xff) || (b[12] == 0 && b[13] == 0);
            }
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return (first & 0xfe) == 0xfc // fc00::/7 unique local
                    || (first == 0xfe && (second & 0xc0) == 0xc0) // fec0::/10 site local (deprecated)
                    || (first == 0x20
                            && second == 0x01
                            && (b[2] & 0xff) == 0x0d
                            && (b[3] & 0xff) == 0xb8) // 2001:db8::/32
                    || (first == 0x00
                            && second == 0x64
                            && (b[2] & 0xff) == 0xff
                            && (b[3] & 0xff) == 0x9b) // 64:ff9b::/96
                    || (first == 0x20 && second == 0x02) // 2002::/16 6to4
                    || (first == 0x20 && second == 0x01 && b[2] == 0 && b[3] == 0); // 2001::/32 Teredo
        }
        return true;
    }

    private static boolean isSpecialV4(int a, int b, int c) {
        return a == 0 // 0.0.0.0/8
                || a == 10 // 10/8
                || a == 127 // loopback
                || (a == 100 && b >= 64 && b <= 127) // 100.64/10 CGNAT
                || (a == 169 && b == 254) // link local
                || (a == 172 && b >= 16 && b <= 31) // 172.16/12
                || (a == 192 && b == 0 && c == 0) // 192.0.0/24 IETF
                || (a == 192 && b == 0 && c == 2) // TEST-NET-1
                || (a == 192 && b == 88 && c == 99) // 6to4 relay
                || (a == 192 && b == 168) // 192.168/16
                || (a == 198 && (b == 18 || b == 19)) // benchmarking
                || (a == 198 && b == 51 && c == 100) // TEST-NET-2
                || (a == 203 && b == 0 && c == 113) // TEST-NET-3
                || a >= 224; // multicast, reserved, broadcast
    }
}
