package dev.gantry.engine.net;

/**
 * An IPv4 network, {@code 10.88.0.0/16}. Addresses are ints (network byte order as a
 * number), so arithmetic on them is plain integer arithmetic.
 */
public record Cidr(int base, int prefix) {

    public Cidr {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix length " + prefix + " is not between 0 and 32");
        }
        base = base & mask(prefix);
    }

    /** Parses {@code a.b.c.d/n}; throws IllegalArgumentException with the text on a bad value. */
    public static Cidr parse(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + s + "' is not a network: use a.b.c.d/n");
        }
        try {
            return new Cidr(parseAddress(s.substring(0, slash)), Integer.parseInt(s.substring(slash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a network: use a.b.c.d/n");
        }
    }

    public static int parseAddress(String s) {
        String[] f = s.trim().split("\\.");
        if (f.length != 4) {
            throw new IllegalArgumentException("'" + s + "' is not an IPv4 address");
        }
        int a = 0;
        for (String p : f) {
            int v = Integer.parseInt(p);
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("'" + s + "' is not an IPv4 address");
            }
            a = (a << 8) | v;
        }
        return a;
    }

    public static String format(int a) {
        return ((a >>> 24) & 255) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
    }

    static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    /** Number of addresses, 2^(32-prefix). */
    public long size() {
        return 1L << (32 - prefix);
    }

    public boolean contains(int address) {
        return (address & mask(prefix)) == base;
    }

    public boolean overlaps(Cidr o) {
        int p = Math.min(prefix, o.prefix);
        return (base & mask(p)) == (o.base & mask(p));
    }

    /** The {@code index}-th subnet of length {@code subPrefix} inside this network. */
    public Cidr subnet(int index, int subPrefix) {
        if (subPrefix < prefix || index < 0 || index >= subnetCount(subPrefix)) {
            throw new IllegalArgumentException("no subnet /" + subPrefix + " number " + index + " in " + this);
        }
        return new Cidr(base + (int) ((long) index << (32 - subPrefix)), subPrefix);
    }

    public long subnetCount(int subPrefix) {
        return 1L << (subPrefix - prefix);
    }

    /** {@code base + n}, e.g. the gateway is {@code at(1)}. */
    public int at(long n) {
        return base + (int) n;
    }

    @Override
    public String toString() {
        return format(base) + "/" + prefix;
    }
}
