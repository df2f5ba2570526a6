package dev.gantry.engine.sys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * An rtnetlink socket (NETLINK_ROUTE) and the few requests container networking needs:
 * create a bridge or a veth pair, set a link up, add an address, add a default route, delete
 * a link. In-process, so setting up a container's network costs no fork/exec of {@code ip}.
 * Each request waits for the kernel's acknowledgement; an error becomes a
 * {@link SyscallException} naming the request ("netlink RTM_NEWLINK veth gv1234: EEXIST ...").
 * Not thread-safe: one socket per caller.
 */
public final class Netlink implements AutoCloseable {

    private static final int AF_NETLINK = 16;
    private static final int AF_INET = 2;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int NETLINK_ROUTE = 0;
    private static final int NETLINK_NETFILTER = 12;
    private static final short NFNL_MSG_BATCH_BEGIN = 16;
    private static final short NFNL_MSG_BATCH_END = 17;
    private static final int NFNL_SUBSYS_NFTABLES = 10;
    private static final int NFT_MSG_NEWSETELEM = 12;
    private static final int NFT_MSG_DELSETELEM = 14;
    private static final int NFPROTO_INET = 1;
    private static final short NLA_F_NESTED = (short) 0x8000;
    private static final int CLONE_NEWNET = 0x40000000;

    private static final short RTM_NEWLINK = 16;
    private static final short RTM_DELLINK = 17;
    private static final short RTM_GETLINK = 18;
    private static final short RTM_NEWADDR = 20;
    private static final short RTM_NEWROUTE = 24;
    private static final short NLMSG_ERROR = 2;
    private static final short F_REQUEST = 1;
    private static final short F_ACK = 4;
    private static final short F_EXCL = 0x200;
    private static final short F_CREATE = 0x400;

    private static final short IFLA_IFNAME = 3;
    private static final short IFLA_MASTER = 10;
    private static final short IFLA_LINKINFO = 18;
    private static final short IFLA_NET_NS_PID = 19;
    private static final short IFLA_INFO_KIND = 1;
    private static final short IFLA_INFO_DATA = 2;
    private static final short VETH_INFO_PEER = 1;
    private static final short IFA_ADDRESS = 1;
    private static final short IFA_LOCAL = 2;
    private static final short RTA_OIF = 4;
    private static final short RTA_GATEWAY = 5;
    private static final int IFF_UP = 1;

    private final int fd;
    private final String where;
    private final byte[] reply = new byte[16384];
    private int seq;

    private Netlink(int fd, String where) {
        this.fd = fd;
        this.where = where;
    }

    /** A socket in the calling thread's network namespace (normally the host's). */
    public static Netlink open() {
        return new Netlink(Syscalls.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE, "netlink"), "host");
    }

    /** A nfnetlink socket for nf_tables requests, in the calling thread's namespace. */
    public static Netlink openNetfilter() {
        return new Netlink(Syscalls.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER, "nfnetlink"), "host");
    }

    /**
     * Adds (or deletes) elements of an nf_tables set in one transaction, like
     * {@code nft add element inet TABLE SET { ... }} but without a process. Keys are the
     * element's bytes as the set stores them (an IPv4 address: 4 bytes in network order; an
     * {@code ifname} 16 bytes, zero-padded; a concatenation: the fields one after the other).
     * Adding an element that exists is no error; deleting a missing one is (ENOENT).
     */
    public void setElements(boolean add, String table, String set, java.util.List<byte[]> keys) {
        if (keys.isEmpty()) {
            return;
        }
        String what = (add ? "NFT_MSG_NEWSETELEM " : "NFT_MSG_DELSETELEM ") + "inet " + table + " " + set;
        ByteBuffer b = ByteBuffer.allocate(256 + keys.size() * 64).order(ByteOrder.nativeOrder());
        nfHeader(b, NFNL_MSG_BATCH_BEGIN, F_REQUEST, 0, ++seq, NFNL_SUBSYS_NFTABLES);
        int start = b.position();
        int type = (NFNL_SUBSYS_NFTABLES << 8) | (add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM);
        nfHeader(b, (short) type, (short) (F_REQUEST | F_ACK | (add ? F_CREATE : 0)), NFPROTO_INET, ++seq, 0);
        int msgSeq = seq;
        Msg m = new Msg(b);
        m.string((short) 1, table).string((short) 2, set); // NFTA_SET_ELEM_LIST_TABLE, _SET
        int elements = m.nest((short) (3 | NLA_F_NESTED)); // NFTA_SET_ELEM_LIST_ELEMENTS
        for (byte[] key : keys) {
            int elem = m.nest((short) (1 | NLA_F_NESTED)); // NFTA_LIST_ELEM
            int k = m.nest((short) (1 | NLA_F_NESTED)); // NFTA_SET_ELEM_KEY
            m.bytes((short) 1, key); // NFTA_DATA_VALUE
            m.end(k);
            m.end(elem);
        }
        m.end(elements);
        b.putInt(start, b.position() - start);
        nfHeader(b, NFNL_MSG_BATCH_END, F_REQUEST, 0, ++seq, NFNL_SUBSYS_NFTABLES);
        byte[] req = new byte[b.position()];
        b.get(0, req);
        Syscalls.send(fd, req, req.length, "nfnetlink " + what);
        awaitAck(msgSeq, what);
    }

    /** nlmsghdr + nfgenmsg; the length is patched by the caller for messages with attributes. */
    private static void nfHeader(ByteBuffer b, short type, short flags, int family, int seq, int resId) {
        b.putInt(20).putShort(type).putShort(flags).putInt(seq).putInt(0);
        b.put((byte) family).put((byte) 0).order(ByteOrder.BIG_ENDIAN).putShort((short) resId).order(ByteOrder.nativeOrder());
    }

    /**
     * A socket in the network namespace of process {@code pid}: this thread enters it, opens
     * the socket (a socket stays in the namespace it was made in) and returns at once.
     */
    public static Netlink openIn(int pid) {
        String ns = "/proc/" + pid + "/ns/net";
        int self = Syscalls.open("/proc/thread-self/ns/net", Syscalls.O_RDONLY | Syscalls.O_CLOEXEC);
        try {
            int target = Syscalls.open(ns, Syscalls.O_RDONLY | Syscalls.O_CLOEXEC);
            try {
                Syscalls.setns(target, CLONE_NEWNET, ns);
            } finally {
                Syscalls.close(target);
            }
            try {
                return new Netlink(Syscalls.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE, "netlink in " + ns), ns);
            } finally {
                Syscalls.setns(self, CLONE_NEWNET, "/proc/thread-self/ns/net (back to the engine's namespace)");
            }
        } finally {
            Syscalls.close(self);
        }
    }

    public void createBridge(String name) {
        Msg m = new Msg(RTM_NEWLINK, F_CREATE | F_EXCL).ifinfo(0, 0, 0).string(IFLA_IFNAME, name);
        int info = m.nest(IFLA_LINKINFO);
        m.string(IFLA_INFO_KIND, "bridge");
        m.end(info);
        call(m, "RTM_NEWLINK bridge " + name);
    }

    /**
     * A veth pair: {@code name} here, enslaved to {@code masterIndex}, and its peer
     * {@code peerName} created directly in the network namespace of {@code peerPid}.
     */
    public void createVeth(String name, int masterIndex, String peerName, int peerPid) {
        Msg m = new Msg(RTM_NEWLINK, F_CREATE | F_EXCL).ifinfo(0, 0, 0).string(IFLA_IFNAME, name).int32(IFLA_MASTER, masterIndex);
        int info = m.nest(IFLA_LINKINFO);
        m.string(IFLA_INFO_KIND, "veth");
        int data = m.nest(IFLA_INFO_DATA);
        int peer = m.nest(VETH_INFO_PEER);
        m.ifinfo(0, 0, 0).string(IFLA_IFNAME, peerName).int32(IFLA_NET_NS_PID, peerPid);
        m.end(peer);
        m.end(data);
        m.end(info);
        call(m, "RTM_NEWLINK veth " + name + " peer " + peerName + " in the netns of " + peerPid);
    }

    public void setUp(int index, String name) {
        call(new Msg(RTM_NEWLINK, 0).ifinfo(index, IFF_UP, IFF_UP), "RTM_NEWLINK up " + name);
    }

    /** Adds {@code address/prefix} (IPv4, as an int) to link {@code index}. */
    public void addAddress(int index, int address, int prefix, String name) {
        Msg m = new Msg(RTM_NEWADDR, F_CREATE | F_EXCL);
        m.b.put((byte) AF_INET).put((byte) prefix).put((byte) 0).put((byte) 0).putInt(index);
        m.ipv4(IFA_LOCAL, address).ipv4(IFA_ADDRESS, address);
        call(m, "RTM_NEWADDR " + format(address) + "/" + prefix + " dev " + name);
    }

    /** The default route via {@code gateway} out of link {@code index}, in the main table. */
    public void addDefaultRoute(int gateway, int index) {
        Msg m = new Msg(RTM_NEWROUTE, F_CREATE | F_EXCL);
        // family, dst_len, src_len, tos, table main, protocol boot, scope universe, type unicast, flags
        m.b.put((byte) AF_INET).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 254).put((byte) 3).put((byte) 0)
                .put((byte) 1).putInt(0);
        m.ipv4(RTA_GATEWAY, gateway).int32(RTA_OIF, index);
        call(m, "RTM_NEWROUTE default via " + format(gateway));
    }

    public void deleteLink(String name) {
        call(new Msg(RTM_DELLINK, 0).ifinfo(0, 0, 0).string(IFLA_IFNAME, name), "RTM_DELLINK " + name);
    }

    /** The index of link {@code name} in this socket's namespace. */
    public int index(String name) {
        Msg m = new Msg(RTM_GETLINK, 0).ifinfo(0, 0, 0).string(IFLA_IFNAME, name);
        ByteBuffer r = exchange(m, "RTM_GETLINK " + name);
        return r.getInt(r.position() + 16 + 4); // nlmsghdr, then ifinfomsg.ifi_index
    }

    private void call(Msg m, String what) {
        exchange(m, what);
    }

    /** Sends one request and returns the reply positioned at its header (an ACK or the answer). */
    private ByteBuffer exchange(Msg m, String what) {
        int mySeq = ++seq;
        byte[] req = m.finish(mySeq);
        Syscalls.send(fd, req, req.length, "netlink " + what + " (" + where + ")");
        return awaitAck(mySeq, what);
    }

    private ByteBuffer awaitAck(int mySeq, String what) {
        while (true) {
            int n = Syscalls.recv(fd, reply, "netlink " + what);
            ByteBuffer r = ByteBuffer.wrap(reply, 0, n).order(ByteOrder.nativeOrder());
            int off = 0;
            while (off + 16 <= n) {
                int len = r.getInt(off);
                short type = r.getShort(off + 4);
                int s = r.getInt(off + 8);
                if (s == mySeq) {
                    if (type == NLMSG_ERROR) {
                        int err = -r.getInt(off + 16);
                        if (err != 0) {
                            throw new SyscallException("netlink", what + " (" + where + ")", err, Syscalls.strerror(err));
                        }
                    }
                    r.position(off);
                    return r;
                }
                off += Math.max(16, (len + 3) & ~3);
            }
        }
    }

    @Override
    public void close() {
        Syscalls.close(fd);
    }

    private static String format(int a) {
        return ((a >>> 24) & 255) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
    }

    /** A request being built: nlmsghdr, the family header, attributes (4-byte aligned). */
    private static final class Msg {
        final ByteBuffer b;

        /** Attributes appended to a buffer whose header the caller wrote. */
        Msg(ByteBuffer into) {
            b = into;
        }

        Msg(short type, int flags) {
            b = ByteBuffer.allocate(1024).order(ByteOrder.nativeOrder());
            b.putInt(0).putShort(type).putShort((short) (F_REQUEST | F_ACK | flags)).putInt(0).putInt(0);
        }

        Msg ifinfo(int index, int flags, int change) {
            b.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(index).putInt(flags).putInt(change);
            return this;
        }

        Msg string(short type, String s) {
            byte[] v = s.getBytes(StandardCharsets.UTF_8);
            b.putShort((short) (4 + v.length + 1)).putShort(type).put(v).put((byte) 0);
            return align();
        }

        Msg bytes(short type, byte[] v) {
            b.putShort((short) (4 + v.length)).putShort(type).put(v);
            return align();
        }

        Msg int32(short type, int v) {
            b.putShort((short) 8).putShort(type).putInt(v);
            return this;
        }

        /** An IPv4 address attribute: network byte order whatever the host's. */
        Msg ipv4(short type, int address) {
            b.putShort((short) 8).putShort(type);
            b.order(ByteOrder.BIG_ENDIAN).putInt(address).order(ByteOrder.nativeOrder());
            return this;
        }

        int nest(short type) {
            int start = b.position();
            b.putShort((short) 0).putShort(type);
            return start;
        }

        void end(int start) {
            b.putShort(start, (short) (b.position() - start));
        }

        Msg align() {
            while (b.position() % 4 != 0) {
                b.put((byte) 0);
            }
            return this;
        }

        byte[] finish(int seq) {
            b.putInt(0, b.position());
            b.putInt(8, seq);
            byte[] out = new byte[b.position()];
            b.get(0, out);
            return out;
        }
    }
}
