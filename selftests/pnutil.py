#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""podnet selftests: small helpers that are easier in Python than in shell.

  pcap-vxlan FILE [PORT]        one line per IP packet of a pcap file:
                                "vxlan VNI OUTER-SRC OUTER-DST INNER-SRC
                                INNER-DST INNER-PROTO INNER-DST-MAC
                                OUTER-TTL OUTER-TOS OUTER-DF UDP-SPORT
                                UDP-CSUM INNER-TOS" for UDP to PORT (8472),
                                else "plain SRC DST PROTO TTL TOS"
  send-vxlan OPTIONS            send hand-built VXLAN packets carrying an
                                Ethernet + ICMP echo request
  send-packet DEV SRC DST       an ICMP echo SRC -> DST through a packet
                                socket (SOCK_RAW, protocol 0) on DEV
  genl-route add|del DEV PREFIX [--len N] [--via ADDR]
                                PODNET_CMD_ROUTE_NEW/DEL straight to the
                                kernel (no podnetctl checks); exit 1 and
                                "ERRNO: strerror: extack" on stderr when
                                refused
  genl-sync DEV ["PREFIX/LEN via ADDR"...]
                                PODNET_CMD_SYNC straight to the kernel
  rtnl-link add|set NAME [vni=N port=N local=ADDR ...]
                                RTM_NEWLINK of kind podnet with raw
                                IFLA_PODNET_* values; same exit and stderr
"""

import argparse
import socket
import struct
import sys
import time


# ---------------------------------------------------------- pcap-vxlan ----

def _ip_str(b):
    if len(b) == 4:
        return socket.inet_ntop(socket.AF_INET, b)
    return socket.inet_ntop(socket.AF_INET6, b)


def _l3(data, ethertype):
    """(src, dst, proto, payload, ttl, tos, df) of an IPv4/IPv6 packet, or
    None. tos is the IPv4 TOS byte or the IPv6 traffic class; df is 1/0
    (IPv4) or '-' (IPv6)."""
    if ethertype == 0x0800 and len(data) >= 20:
        ihl = (data[0] & 0xf) * 4
        df = (struct.unpack('!H', data[6:8])[0] >> 14) & 1
        return (_ip_str(data[12:16]), _ip_str(data[16:20]), data[9],
                data[ihl:], data[8], data[1], df)
    if ethertype == 0x86dd and len(data) >= 40:
        tc = ((data[0] & 0xf) << 4) | (data[1] >> 4)
        return (_ip_str(data[8:24]), _ip_str(data[24:40]), data[6],
                data[40:], data[7], tc, '-')
    return None


def pcap_vxlan(args):
    with open(args.file, 'rb') as f:
        data = f.read()
    if len(data) < 24:
        return 0
    magic = struct.unpack('<I', data[:4])[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        endian = '<'
    elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
        endian = '>'
    else:
        sys.stderr.write("pcap-vxlan: not a pcap file\n")
        return 1
    linktype = struct.unpack(endian + 'I', data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(endian + 'IIII', data[off:off + 16])
        pkt = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if linktype == 1:           # Ethernet
            if len(pkt) < 14:
                continue
            et = struct.unpack('!H', pkt[12:14])[0]
            pkt = pkt[14:]
        elif linktype == 113:       # Linux cooked (any)
            et = struct.unpack('!H', pkt[14:16])[0]
            pkt = pkt[16:]
        else:
            continue
        outer = _l3(pkt, et)
        if not outer:
            continue
        udp = outer[3]
        if (outer[2] != 17 or len(udp) < 16 or
                struct.unpack('!H', udp[2:4])[0] != args.port):
            print('plain', outer[0], outer[1], outer[2], outer[4],
                  '0x%02x' % outer[5])
            continue
        sport, _, _, csum = struct.unpack('!HHHH', udp[:8])
        hdr = (outer[4], '0x%02x' % outer[5], outer[6], sport,
               '0x%04x' % csum)
        vx = udp[8:16]
        vni = struct.unpack('!I', vx[4:8])[0] >> 8
        inner_eth = udp[16:]
        if len(inner_eth) < 14:
            print('vxlan', vni, outer[0], outer[1], '-', '-', '-', '-', *hdr)
            continue
        dmac = ':'.join('%02x' % b for b in inner_eth[:6])
        inner = _l3(inner_eth[14:], struct.unpack('!H', inner_eth[12:14])[0])
        if not inner:
            print('vxlan', vni, outer[0], outer[1], '-', '-', '-', dmac, *hdr)
            continue
        print('vxlan', vni, outer[0], outer[1], inner[0], inner[1], inner[2],
              dmac, *hdr, '0x%02x' % inner[5])
    return 0


# ---------------------------------------------------------- send-vxlan ----

def _csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def _echo(src, dst, ident, seq, payload, tos=0):
    """An IPv4 or IPv6 ICMP echo request, checksums valid."""
    if ':' not in src:
        icmp = struct.pack('!BBHHH', 8, 0, 0, ident, seq) + payload
        icmp = icmp[:2] + struct.pack('!H', _csum(icmp)) + icmp[4:]
        hdr = struct.pack('!BBHHHBBH4s4s', 0x45, tos, 20 + len(icmp), ident,
                          0x4000, 64, 1, 0, socket.inet_aton(src),
                          socket.inet_aton(dst))
        hdr = hdr[:10] + struct.pack('!H', _csum(hdr)) + hdr[12:]
        return 0x0800, hdr + icmp
    s6 = socket.inet_pton(socket.AF_INET6, src)
    d6 = socket.inet_pton(socket.AF_INET6, dst)
    icmp = struct.pack('!BBHHH', 128, 0, 0, ident, seq) + payload
    pseudo = s6 + d6 + struct.pack('!I3xB', len(icmp), 58)
    icmp = icmp[:2] + struct.pack('!H', _csum(pseudo + icmp)) + icmp[4:]
    hdr = struct.pack('!IHBB', 0x60000000 | (tos << 20), len(icmp), 58,
                      64) + s6 + d6
    return 0x86dd, hdr + icmp


def send_vxlan(args):
    mac = bytes(int(x, 16) for x in args.mac.split(':'))
    smac = bytes(int(x, 16) for x in args.src_mac.split(':'))
    fam = socket.AF_INET6 if ':' in args.src else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((args.src, 0))
    if args.outer_tos:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, args.outer_tos)
    for seq in range(1, args.count + 1):
        et, ip = _echo(args.inner_src, args.inner_dst, args.id, seq,
                       b'podnet-selftest' + bytes(16), args.inner_tos)
        if args.ethertype is not None:
            et = args.ethertype
        eth = mac + smac + struct.pack('!H', et)
        vxlan = struct.pack('!II', 0x08000000, args.vni << 8)
        pkt = vxlan + eth + ip
        if args.truncate is not None:
            pkt = pkt[:args.truncate]
        s.sendto(pkt, (args.dst, args.port))
        time.sleep(args.interval)
    return 0


# --------------------------------------------------------- send-packet ---

def send_packet(args):
    """An ICMP echo through a packet socket on a device, protocol 0: the
    device's header_ops must tell the stack what the packet is."""
    _, ip = _echo(args.src, args.dst, 0x5e1f, 1, b'podnet-packet-socket')
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    s.sendto(ip, (args.dev, 0))
    return 0


# ---------------------------------------------------------- genl-route ---
# A raw generic netlink client for PODNET_CMD_ROUTE_NEW/DEL, to send the
# kernel what podnetctl would refuse before asking (host bits set, prefix
# lengths out of range, addresses of the wrong length).

NETLINK_GENERIC = 16
NLMSG_ERROR = 2
NLM_F_REQUEST, NLM_F_ACK = 1, 4
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
NETLINK_EXT_ACK, NLMSGERR_ATTR_MSG = 11, 1
PODNET_CMD_ROUTE_NEW, PODNET_CMD_ROUTE_DEL, PODNET_CMD_SYNC = 6, 7, 9
PODNET_A_IFINDEX, PODNET_A_ROUTE = 1, 5
PODNET_A_ROUTE_PREFIX, PODNET_A_ROUTE_PREFIX_LEN, PODNET_A_ROUTE_VIA = 1, 2, 3


def _nla(atype, data):
    hdr = struct.pack('=HH', 4 + len(data), atype)
    return hdr + data + bytes((4 - len(data) % 4) % 4)


def _nla_parse(data):
    out = {}
    while len(data) >= 4:
        alen, atype = struct.unpack('=HH', data[:4])
        if alen < 4:
            break
        out[atype & 0x3fff] = data[4:alen]
        data = data[(alen + 3) & ~3:]
    return out


def _genl_request(sock, family, cmd, flags, attrs, seq):
    payload = struct.pack('=BBH', cmd, 1, 0) + attrs
    msg = struct.pack('=IHHII', 16 + len(payload), family,
                      NLM_F_REQUEST | NLM_F_ACK | flags, seq, 0) + payload
    sock.send(msg)
    while True:
        data = sock.recv(65536)
        while len(data) >= 16:
            mlen, mtype, mflags, mseq, _ = struct.unpack('=IHHII', data[:16])
            body = data[16:mlen]
            data = data[(mlen + 3) & ~3:]
            if mseq != seq:
                continue
            if mtype == NLMSG_ERROR:
                err = -struct.unpack('=i', body[:4])[0]
                msg = ''
                if mflags & 0x200 and err:      # NLM_F_ACK_TLVS
                    inner_len = struct.unpack('=I', body[4:8])[0]
                    skip = 4 + (16 if mflags & 0x100 else inner_len)
                    tlv = _nla_parse(body[skip:])
                    if NLMSGERR_ATTR_MSG in tlv:
                        msg = tlv[NLMSGERR_ATTR_MSG].rstrip(b'\0').decode()
                return err, msg, None
            if mtype == family:
                return 0, '', body[4:]
    return 0, '', None


def _addr_bytes(text):
    if text.startswith('hex:'):
        return bytes.fromhex(text[4:])
    fam = socket.AF_INET6 if ':' in text else socket.AF_INET
    return socket.inet_pton(fam, text)


def _podnet_family():
    """(socket, family id) of the podnet genl family, or (None, errno)."""
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(270, NETLINK_EXT_ACK, 1)     # SOL_NETLINK
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    sock.bind((0, 0))
    err, msg, body = _genl_request(
        sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0,
        _nla(CTRL_ATTR_FAMILY_NAME, b'podnet\0'), 1)
    if err or body is None:
        return None, err
    return sock, struct.unpack(
        '=H', _nla_parse(body)[CTRL_ATTR_FAMILY_ID][:2])[0]


def _report(err, msg):
    import errno
    import os
    if err:
        sys.stderr.write(f"{errno.errorcode.get(err, err)}: "
                         f"{os.strerror(err)}: {msg or '(no extack message)'}"
                         "\n")
        return 1
    return 0


def genl_sync(args):
    """PODNET_CMD_SYNC with one route nest per "PREFIX/LEN via ADDR"."""
    import os
    sock, family = _podnet_family()
    if sock is None:
        sys.stderr.write(f"genl-sync: no podnet family: {os.strerror(family)}\n")
        return 2
    attrs = _nla(PODNET_A_IFINDEX, struct.pack('=I', socket.if_nametoindex(
        args.dev)))
    for r in args.routes:
        prefix, _, via = r.partition(' via ')
        addr, _, plen = prefix.partition('/')
        nest = _nla(PODNET_A_ROUTE_PREFIX, _addr_bytes(addr))
        nest += _nla(PODNET_A_ROUTE_PREFIX_LEN, struct.pack('=B', int(plen)))
        nest += _nla(PODNET_A_ROUTE_VIA, _addr_bytes(via.strip()))
        attrs += _nla(PODNET_A_ROUTE | 0x8000, nest)
    err, msg, _ = _genl_request(sock, family, PODNET_CMD_SYNC, 0, attrs, 2)
    return _report(err, msg)


def genl_route(args):
    import os
    sock, family = _podnet_family()
    if sock is None:
        sys.stderr.write(f"genl-route: no podnet family: "
                         f"{os.strerror(family)}\n")
        return 2
    route = _nla(PODNET_A_ROUTE_PREFIX, _addr_bytes(args.prefix))
    if args.len is not None:
        route += _nla(PODNET_A_ROUTE_PREFIX_LEN, struct.pack('=B', args.len))
    if args.via:
        route += _nla(PODNET_A_ROUTE_VIA, _addr_bytes(args.via))
    attrs = _nla(PODNET_A_IFINDEX, struct.pack('=I', socket.if_nametoindex(
        args.dev))) + _nla(PODNET_A_ROUTE | 0x8000, route)   # NLA_F_NESTED
    # no NLM_F_CREATE/EXCL/REPLACE: generic netlink refuses them (strict
    # header check), the ABI has PODNET_A_ROUTE_REPLACE instead
    cmd = PODNET_CMD_ROUTE_NEW if args.op == 'add' else PODNET_CMD_ROUTE_DEL
    err, msg, _ = _genl_request(sock, family, cmd, 0, attrs, 2)
    return _report(err, msg)


# ------------------------------------------------------------ rtnl-link ---
# RTM_NEWLINK/SETLINK of kind podnet with raw IFLA_PODNET_* values, to send
# the kernel what podnetctl refuses before asking.

NETLINK_ROUTE = 0
RTM_NEWLINK = 16
NLM_F_EXCL_RTNL, NLM_F_CREATE_RTNL = 0x200, 0x400
IFLA_IFNAME, IFLA_LINKINFO, IFLA_INFO_KIND, IFLA_INFO_DATA = 3, 18, 1, 2
IFLA_PODNET = {'vni': (1, '=I'), 'port': (2, '=H'), 'local': (3, None),
               'link': (4, '=I'), 'ttl': (5, '=B'), 'tos': (6, '=B'),
               'mac': (7, None), 'encap': (8, '=B')}


def rtnl_link(args):
    import errno
    import os
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    sock.setsockopt(270, NETLINK_EXT_ACK, 1)
    sock.bind((0, 0))
    data = b''
    for kv in args.attrs:
        key, _, val = kv.partition('=')
        atype, fmt = IFLA_PODNET[key]
        if fmt:
            data += _nla(atype, struct.pack(fmt, int(val, 0)))
        elif key == 'mac' and not val.startswith('hex:'):
            data += _nla(atype, bytes(int(x, 16) for x in val.split(':')))
        else:
            data += _nla(atype, _addr_bytes(val))
    info = _nla(IFLA_INFO_KIND, b'podnet\0') + _nla(IFLA_INFO_DATA | 0x8000,
                                                     data)
    if args.op == 'add':
        flags, index = NLM_F_CREATE_RTNL | NLM_F_EXCL_RTNL, 0
    else:
        flags, index = 0, socket.if_nametoindex(args.name)
    payload = struct.pack('=BBHiII', 0, 0, 0, index, 0, 0)
    payload += _nla(IFLA_IFNAME, args.name.encode() + b'\0')
    payload += _nla(IFLA_LINKINFO | 0x8000, info)
    msg = struct.pack('=IHHII', 16 + len(payload), RTM_NEWLINK,
                      NLM_F_REQUEST | NLM_F_ACK | flags, 1, 0) + payload
    sock.send(msg)
    while True:
        buf = sock.recv(65536)
        while len(buf) >= 16:
            mlen, mtype, mflags, mseq, _ = struct.unpack('=IHHII', buf[:16])
            body = buf[16:mlen]
            buf = buf[(mlen + 3) & ~3:]
            if mseq != 1 or mtype != NLMSG_ERROR:
                continue
            err = -struct.unpack('=i', body[:4])[0]
            if not err:
                return 0
            text = '(no extack message)'
            if mflags & 0x200:
                inner_len = struct.unpack('=I', body[4:8])[0]
                skip = 4 + (16 if mflags & 0x100 else inner_len)
                tlv = _nla_parse(body[skip:])
                if NLMSGERR_ATTR_MSG in tlv:
                    text = tlv[NLMSGERR_ATTR_MSG].rstrip(b'\0').decode()
            sys.stderr.write(f"{errno.errorcode.get(err, err)}: "
                             f"{os.strerror(err)}: {text}\n")
            return 1


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest='cmd', required=True)

    c = sub.add_parser('pcap-vxlan')
    c.add_argument('file')
    c.add_argument('port', nargs='?', type=int, default=8472)
    c.set_defaults(fn=pcap_vxlan)

    c = sub.add_parser('send-vxlan')
    c.add_argument('--src', required=True, help='outer source (bound)')
    c.add_argument('--dst', required=True, help='outer destination')
    c.add_argument('--port', type=int, default=8472)
    c.add_argument('--vni', type=int, default=1)
    c.add_argument('--mac', required=True, help='inner destination mac')
    c.add_argument('--src-mac', default='02:00:00:00:be:ef')
    c.add_argument('--inner-src', required=True)
    c.add_argument('--inner-dst', required=True)
    c.add_argument('--id', type=int, default=0x5e1f)
    c.add_argument('--count', type=int, default=1)
    c.add_argument('--interval', type=float, default=0.05)
    c.add_argument('--ethertype', type=lambda x: int(x, 0),
                   help='inner ethertype (default: from the inner packet)')
    c.add_argument('--outer-tos', type=lambda x: int(x, 0), default=0,
                   help='outer IPv4 TOS byte (ECN bits included)')
    c.add_argument('--inner-tos', type=lambda x: int(x, 0), default=0,
                   help='inner TOS byte / traffic class')
    c.add_argument('--truncate', type=int,
                   help='send only the first N bytes of the UDP payload')
    c.set_defaults(fn=send_vxlan)

    c = sub.add_parser('send-packet')
    c.add_argument('dev')
    c.add_argument('src')
    c.add_argument('dst')
    c.set_defaults(fn=send_packet)

    c = sub.add_parser('genl-route')
    c.add_argument('op', choices=('add', 'del'))
    c.add_argument('dev')
    c.add_argument('prefix', help='address, or hex:RAWBYTES')
    c.add_argument('--len', type=int)
    c.add_argument('--via', help='address, or hex:RAWBYTES')
    c.set_defaults(fn=genl_route)

    c = sub.add_parser('rtnl-link')
    c.add_argument('op', choices=('add', 'set'))
    c.add_argument('name')
    c.add_argument('attrs', nargs='*',
                   help='vni=N port=N local=ADDR|hex:.. link=IFINDEX ttl=N '
                        'tos=N mac=MAC|hex:.. encap=N')
    c.set_defaults(fn=rtnl_link)

    c = sub.add_parser('genl-sync')
    c.add_argument('dev')
    c.add_argument('routes', nargs='*', help='"PREFIX/LEN via ADDR"')
    c.set_defaults(fn=genl_sync)

    args = p.parse_args()
    return args.fn(args)


if __name__ == '__main__':
    sys.exit(main())
