package io.hookline.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address range such as {@code 10.20.0.0/16} or {@code fd00:1::/32}. */
public record Cidr(byte[] network, int prefix) {

    public static Cidr parse(String text) {
        String[] parts = text.trim().split("/", 2);
        try {
            if (!parts[0].matches("[0-9a-fA-F:.]+")) {
                throw new IllegalArgumentException("not an IP address");
            }
            byte[] address = InetAddress.getByName(parts[0]).getAddress(); // a literal: no lookup
            int bits = address.length * 8;
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : bits;
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("prefix out of range");
            }
            return new Cidr(address, prefix);
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a CIDR range (like 10.20.0.0/16): " + e.getMessage());
        }
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }
}
