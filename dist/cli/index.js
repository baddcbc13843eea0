import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 1630:
/***/ ((__unused_webpack_module, exports) => {



exports.toString = function (klass) {
  switch (klass) {
    case 1: return 'IN'
    case 2: return 'CS'
    case 3: return 'CH'
    case 4: return 'HS'
    case 255: return 'ANY'
  }
  return 'UNKNOWN_' + klass
}

exports.toClass = function (name) {
  switch (name.toUpperCase()) {
    case 'IN': return 1
    case 'CS': return 2
    case 'CH': return 3
    case 'HS': return 4
    case 'ANY': return 255
  }
  return 0
}


/***/ }),

/***/ 4894:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



const Buffer = (__nccwpck_require__(181).Buffer)
const types = __nccwpck_require__(1891)
const rcodes = __nccwpck_require__(2028)
const opcodes = __nccwpck_require__(4693)
const classes = __nccwpck_require__(1630)
const optioncodes = __nccwpck_require__(2075)
const ip = __nccwpck_require__(4550)

const QUERY_FLAG = 0
const RESPONSE_FLAG = 1 << 15
const FLUSH_MASK = 1 << 15
const NOT_FLUSH_MASK = ~FLUSH_MASK
const QU_MASK = 1 << 15
const NOT_QU_MASK = ~QU_MASK

const name = exports.name = {}

name.encode = function (str, buf, offset, { mail = false } = {}) {
  if (!buf) buf = Buffer.alloc(name.encodingLength(str))
  if (!offset) offset = 0
  const oldOffset = offset

  // strip leading and trailing .
  const n = str.replace(/^\.|\.$/gm, '')
  if (n.length) {
    let list = []
    if (mail) {
      let localPart = ''
      n.split('.').forEach(label => {
        if (label.endsWith('\\')) {
          localPart += (localPart.length ? '.' : '') + label.slice(0, -1)
        } else {
          if (list.length === 0 && localPart.length) {
            list.push(localPart + '.' + label)
          } else {
            list.push(label)
          }
        }
      })
    } else {
      list = n.split('.')
    }

    for (let i = 0; i < list.length; i++) {
      const len = buf.write(list[i], offset + 1)
      buf[offset] = len
      offset += len + 1
    }
  }

  buf[offset++] = 0

  name.encode.bytes = offset - oldOffset
  return buf
}

name.encode.bytes = 0

name.decode = function (buf, offset, { mail = false } = {}) {
  if (!offset) offset = 0

  const list = []
  let oldOffset = offset
  let totalLength = 0
  let consumedBytes = 0
  let jumped = false

  while (true) {
    if (offset >= buf.length) {
      throw new Error('Cannot decode name (buffer overflow)')
    }
    const len = buf[offset++]
    consumedBytes += jumped ? 0 : 1

    if (len === 0) {
      break
    } else if ((len & 0xc0) === 0) {
      if (offset + len > buf.length) {
        throw new Error('Cannot decode name (buffer overflow)')
      }
      totalLength += len + 1
      if (totalLength > 254) {
        throw new Error('Cannot decode name (name too long)')
      }
      let label = buf.toString('utf-8', offset, offset + len)
      if (mail) {
        label = label.replace(/\./g, '\\.')
      }
      list.push(label)
      offset += len
      consumedBytes += jumped ? 0 : len
    } else if ((len & 0xc0) === 0xc0) {
      if (offset + 1 > buf.length) {
        throw new Error('Cannot decode name (buffer overflow)')
      }
      const jumpOffset = buf.readUInt16BE(offset - 1) - 0xc000
      if (jumpOffset >= oldOffset) {
        // Allow only pointers to prior data. RFC 1035, section 4.1.4 states:
        // "[...] an entire domain name or a list of labels at the end of a domain name
        // is replaced with a pointer to a prior occurance (sic) of the same name."
        throw new Error('Cannot decode name (bad pointer)')
      }
      offset = jumpOffset
      oldOffset = jumpOffset
      consumedBytes += jumped ? 0 : 1
      jumped = true
    } else {
      throw new Error('Cannot decode name (bad label)')
    }
  }

  name.decode.bytes = consumedBytes
  return list.length === 0 ? '.' : list.join('.')
}

name.decode.bytes = 0

name.encodingLength = function (n) {
  if (n === '.' || n === '..') return 1
  return Buffer.byteLength(n.replace(/^\.|\.$/gm, '')) + 2
}

const string = {}

string.encode = function (s, buf, offset) {
  if (!buf) buf = Buffer.alloc(string.encodingLength(s))
  if (!offset) offset = 0

  const len = buf.write(s, offset + 1)
  buf[offset] = len
  string.encode.bytes = len + 1
  return buf
}

string.encode.bytes = 0

string.decode = function (buf, offset) {
  if (!offset) offset = 0

  const len = buf[offset]
  const s = buf.toString('utf-8', offset + 1, offset + 1 + len)
  string.decode.bytes = len + 1
  return s
}

string.decode.bytes = 0

string.encodingLength = function (s) {
  return Buffer.byteLength(s) + 1
}

const header = {}

header.encode = function (h, buf, offset) {
  if (!buf) buf = header.encodingLength(h)
  if (!offset) offset = 0

  const flags = (h.flags || 0) & 32767
  const type = h.type === 'response' ? RESPONSE_FLAG : QUERY_FLAG

  buf.writeUInt16BE(h.id || 0, offset)
  buf.writeUInt16BE(flags | type, offset + 2)
  buf.writeUInt16BE(h.questions.length, offset + 4)
  buf.writeUInt16BE(h.answers.length, offset + 6)
  buf.writeUInt16BE(h.authorities.length, offset + 8)
  buf.writeUInt16BE(h.additionals.length, offset + 10)

  return buf
}

header.encode.bytes = 12

header.decode = function (buf, offset) {
  if (!offset) offset = 0
  if (buf.length < 12) throw new Error('Header must be 12 bytes')
  const flags = buf.readUInt16BE(offset + 2)

  return {
    id: buf.readUInt16BE(offset),
    type: flags & RESPONSE_FLAG ? 'response' : 'query',
    flags: flags & 32767,
    flag_qr: ((flags >> 15) & 0x1) === 1,
    opcode: opcodes.toString((flags >> 11) & 0xf),
    flag_aa: ((flags >> 10) & 0x1) === 1,
    flag_tc: ((flags >> 9) & 0x1) === 1,
    flag_rd: ((flags >> 8) & 0x1) === 1,
    flag_ra: ((flags >> 7) & 0x1) === 1,
    flag_z: ((flags >> 6) & 0x1) === 1,
    flag_ad: ((flags >> 5) & 0x1) === 1,
    flag_cd: ((flags >> 4) & 0x1) === 1,
    rcode: rcodes.toString(flags & 0xf),
    questions: new Array(buf.readUInt16BE(offset + 4)),
    answers: new Array(buf.readUInt16BE(offset + 6)),
    authorities: new Array(buf.readUInt16BE(offset + 8)),
    additionals: new Array(buf.readUInt16BE(offset + 10))
  }
}

header.decode.bytes = 12

header.encodingLength = function () {
  return 12
}

const runknown = exports.unknown = {}

runknown.encode = function (data, buf, offset) {
  if (!buf) buf = Buffer.alloc(runknown.encodingLength(data))
  if (!offset) offset = 0

  buf.writeUInt16BE(data.length, offset)
  data.copy(buf, offset + 2)

  runknown.encode.bytes = data.length + 2
  return buf
}

runknown.encode.bytes = 0

runknown.decode = function (buf, offset) {
  if (!offset) offset = 0

  const len = buf.readUInt16BE(offset)
  const data = buf.slice(offset + 2, offset + 2 + len)
  runknown.decode.bytes = len + 2
  return data
}

runknown.decode.bytes = 0

runknown.encodingLength = function (data) {
  return data.length + 2
}

const rns = exports.ns = {}

rns.encode = function (data, buf, offset) {
  if (!buf) buf = Buffer.alloc(rns.encodingLength(data))
  if (!offset) offset = 0

  name.encode(data, buf, offset + 2)
  buf.writeUInt16BE(name.encode.bytes, offset)
  rns.encode.bytes = name.encode.bytes + 2
  return buf
}

rns.encode.bytes = 0

rns.decode = function (buf, offset) {
  if (!offset) offset = 0

  const len = buf.readUInt16BE(offset)
  const dd = name.decode(buf, offset + 2)

  rns.decode.bytes = len + 2
  return dd
}

rns.decode.bytes = 0

rns.encodingLength = function (data) {
  return name.encodingLength(data) + 2
}

const rsoa = exports.soa = {}

rsoa.encode = function (data, buf, offset) {
  if (!buf) buf = Buffer.alloc(rsoa.encodingLength(data))
  if (!offset) offset = 0

  const oldOffset = offset
  offset += 2
  name.encode(data.mname, buf, offset)
  offset += name.encode.bytes
  name.encode(data.rname, buf, offset, { mail: true })
  offset += name.encode.bytes
  buf.writeUInt32BE(data.serial || 0, offset)
  offset += 4
  buf.writeUInt32BE(data.refresh || 0, offset)
  offset += 4
  buf.writeUInt32BE(data.retry || 0, offset)
  offset += 4
  buf.writeUInt32BE(data.expire || 0, offset)
  offset += 4
  buf.writeUInt32BE(data.minimum || 0, offset)
  offset += 4

  buf.writeUInt16BE(offset - oldOffset - 2, oldOffset)
  rsoa.encode.bytes = offset - oldOffset
  return buf
}

rsoa.encode.bytes = 0

rsoa.decode = function (buf, offset) {
  if (!offset) offset = 0

  const oldOffset = offset

  const data = {}
  offset += 2
  data.mname = name.decode(buf, offset)
  offset += name.decode.bytes
  data.rname = name.decode(buf, offset, { mail: true })
  offset += name.decode.bytes
  data.serial = buf.readUInt32BE(offset)
  offset += 4
  data.refresh = buf.readUInt32BE(offset)
  offset += 4
  data.retry = buf.readUInt32BE(offset)
  offset += 4
  data.expire = buf.readUInt32BE(offset)
  offset += 4
  data.minimum = buf.readUInt32BE(offset)
  offset += 4

  rsoa.decode.bytes = offset - oldOffset
  return data
}

rsoa.decode.bytes = 0

rsoa.encodingLength = function (data) {
  return 22 + name.encodingLength(data.mname) + name.encodingLength(data.rname)
}

const rtxt = exports.txt = {}

rtxt.encode = function (data, buf, offset) {
  if (!Array.isArray(data)) data = [data]
  for (let i = 0; i < data.length; i++) {
    if (typeof data[i] === 'string') {
      data[i] = Buffer.from(data[i])
    }
    if (!Buffer.isBuffer(data[i])) {
      throw new Error('Must be a Buffer')
    }
  }

  if (!buf) buf = Buffer.alloc(rtxt.encodingLength(data))
  if (!offset) offset = 0

  const oldOffset = offset
  offset += 2

  data.forEach(function (d) {
    buf[offset++] = d.length
    d.copy(buf, offset, 0, d.length)
    offset += d.length
  })

  buf.writeUInt16BE(offset - oldOffset - 2, oldOffset)
  rtxt.encode.bytes = offset - oldOffset
  return buf
}

rtxt.encode.bytes = 0

rtxt.decode = function (buf, offset) {
  if (!offset) offset = 0
  const oldOffset = offset
  let remaining = buf.readUInt16BE(offset)
  offset += 2

  let data = []
  while (remaining > 0) {
    const len = buf[offset++]
    --remaining
    if (remaining < len) {
      throw new Error('Buffer overflow')
    }
    data.push(buf.slice(offset, offset + len))
    offset += len
    remaining -= len
  }

  rtxt.decode.bytes = offset - oldOffset
  return data
}

rtxt.decode.bytes = 0

rtxt.encodingLength = function (data) {
  if (!Array.isArray(data)) data = [data]
  let length = 2
  data.forEach(function (buf) {
    if (typeof buf === 'string') {
      length += Buffer.byteLength(buf) + 1
    } else {
      length += buf.length + 1
    }
  })
  return length
}

const rnull = exports["null"] = {}

rnull.encode = function (data, buf, offset) {
  if (!buf) buf = Buffer.alloc(rnull.encodingLength(data))
  if (!offset) offset = 0

  if (typeof data === 'string') data = Buffer.from(data)
  if (!data) data = Buffer.alloc(0)

  const oldOffset = offset
  offset += 2

  const len = data.length
  data.copy(buf, offset, 0, len)
  offset += len

  buf.writeUInt16BE(offset - oldOffset - 2, oldOffset)
  rnull.encode.bytes = offset - oldOffset
  return buf
}

rnull.encode.bytes = 0

rnull.decode = function (buf, offset) {
  if (!offset) offset = 0
  const oldOffset = offset
  const len = buf.readUInt16BE(offset)

  offset += 2

  const data = buf.slice(offset, offset + len)
  offset += len

  rnull.decode.bytes = offset - oldOffset
  return data
}

rnull.decode.bytes = 0

rnull.encodingLength = function (data) {
  if (!data) return 2
  return (Buffer.isBuffer(data) ? data.length : Buffer.byteLength(data)) + 2
}

const rhinfo = exports.hinfo = {}

rhinfo.encode = function (data, buf, offset) {
  if (!buf) buf = Buffer.alloc(rhinfo.encodingLength(data))
  if (!offset) offset = 0

  const oldOffset = offset
  offset += 2
  string.encode(data.cpu, buf, offset)
  offset += string.encode.bytes
  string.encode(data.os, buf, offset)
  offset += string.encode.bytes
  buf.writeUInt16BE(offset - oldOffset - 2, oldOffset)
  rhinfo.encode.bytes = offset - oldOffset
  return buf
}

rhinfo.encode.bytes = 0

rhinfo.decode = function (buf, offset) {
  if (!offset) offset = 0

  const oldOffset = offset

  const data = {}
  offset += 2
  data.cpu = string.decode(buf, offset)
  offset += string.decode.bytes
  data.os = string.decode(buf, offset)
  offset += string.decode.bytes
  rhinfo.decode.bytes = offset - oldOffset
  return data
}

rhinfo.decode.bytes = 0

rhinfo.encodingLength = function (data) {
  return string.encodingLength(data.cpu) + string.encodingLength(data.os) + 2
}

const rptr = exports.ptr = {}
const rcname = exports.cname = rptr
const rdname = exports.dname = rptr

rptr.encode = function (data, buf, offset) {
  if (!buf) buf = Buffer.alloc(rptr.encodingLength(data))
  if (!offset) offset = 0

  name.encode(data, buf, offset + 2)
  buf.writeUInt16BE(name.encode.bytes, offset)
  rptr.encode.bytes = name.encode.bytes + 2
  return buf
}

rptr.encode.bytes = 0

rptr.decode = function (buf, offset) {
  if (!offset) offset = 0

  const data = name.decode(buf, offset + 2)
  rptr.decode.bytes = name.decode.bytes + 2
  return data
}

rptr.decode.bytes = 0

rptr.encodingLength = function (data) {
  return name.encodingLength(data) + 2
}

const rsrv = exports.srv = {}

rsrv.encode = function (data, buf, offset) {
  if (!buf) buf = Buffer.alloc(rsrv.encodingLength(data))
  if (!offset) offset = 0

  buf.writeUInt16BE(data.priority || 0, offset + 2)
  buf.writeUInt16BE(data.weight || 0, offset + 4)
  buf.writeUInt16BE(data.port || 0, offset + 6)
  name.encode(data.target, buf, offset + 8)

  const len = name.encode.bytes + 6
  buf.writeUInt16BE(len, offset)

  rsrv.encode.bytes = len + 2
  return buf
}

rsrv.encode.bytes = 0

rsrv.decode = function (buf, offset) {
  if (!offset) offset = 0

  const len = buf.readUInt16BE(offset)

  const data = {}
  data.priority = buf.readUInt16BE(offset + 2)
  data.weight = buf.readUInt16BE(offset + 4)
  data.port = buf.readUInt16BE(offset + 6)
  data.target = name.decode(buf, offset + 8)

  rsrv.decode.bytes = len + 2
  return data
}

rsrv.decode.bytes = 0

rsrv.encodingLength = function (data) {
  return 8 + name.encodingLength(data.target)
}

const rcaa = exports.caa = {}

rcaa.ISSUER_CRITICAL = 1 << 7

rcaa.encode = function (data, buf, offset) {
  const len = rcaa.encodingLength(data)

  if (!buf) buf = Buffer.alloc(rcaa.encodingLength(data))
  if (!offset) offset = 0

  if (data.issuerCritical) {
    data.flags = rcaa.ISSUER_CRITICAL
  }

  buf.writeUInt16BE(len - 2, offset)
  offset += 2
  buf.writeUInt8(data.flags || 0, offset)
  offset += 1
  string.encode(data.tag, buf, offset)
  offset += string.encode.bytes
  buf.write(data.value, offset)
  offset += Buffer.byteLength(data.value)

  rcaa.encode.bytes = len
  return buf
}

rcaa.encode.bytes = 0

rcaa.decode = function (buf, offset) {
  if (!offset) offset = 0

  const len = buf.readUInt16BE(offset)
  offset += 2

  const oldOffset = offset
  const data = {}
  data.flags = buf.readUInt8(offset)
  offset += 1
  data.tag = string.decode(buf, offset)
  offset += string.decode.bytes
  data.value = buf.toString('utf-8', offset, oldOffset + len)

  data.issuerCritical = !!(data.flags & rcaa.ISSUER_CRITICAL)

  rcaa.decode.bytes = len + 2

  return data
}

rcaa.decode.bytes = 0

rcaa.encodingLength = function (data) {
  return string.encodingLength(data.tag) + string.encodingLength(data.value) + 2
}

const rmx = exports.mx = {}

rmx.encode = function (data, buf, offset) {
  if (!buf) buf = Buffer.alloc(rmx.encodingLength(data))
  if (!offset) offset = 0

  const oldOffset = offset
  offset += 2
  buf.writeUInt16BE(data.preference || 0, offset)
  offset += 2
  name.encode(data.exchange, buf, offset)
  offset += name.encode.bytes

  buf.writeUInt16BE(offset - oldOffset - 2, oldOffset)
  rmx.encode.bytes = offset - oldOffset
  return buf
}

rmx.encode.bytes = 0

rmx.decode = function (buf, offset) {
  if (!offset) offset = 0

  const oldOffset = offset

  const data = {}
  offset += 2
  data.preference = buf.readUInt16BE(offset)
  offset += 2
  data.exchange = name.decode(buf, offset)
  offset += name.decode.bytes

  rmx.decode.bytes = offset - oldOffset
  return data
}

rmx.encodingLength = function (data) {
  return 4 + name.encodingLength(data.exchange)
}

const ra = exports.a = {}

ra.encode = function (host, buf, offset) {
  if (!buf) buf = Buffer.alloc(ra.encodingLength(host))
  if (!offset) offset = 0

  buf.writeUInt16BE(4, offset)
  offset += 2
  ip.v4.encode(host, buf, offset)
  ra.encode.bytes = 6
  return buf
}

ra.encode.bytes = 0

ra.decode = function (buf, offset) {
  if (!offset) offset = 0

  offset += 2
  const host = ip.v4.decode(buf, offset)
  ra.decode.bytes = 6
  return host
}

ra.decode.bytes = 0

ra.encodingLength = function () {
  return 6
}

const raaaa = exports.aaaa = {}

raaaa.encode = function (host, buf, offset) {
  if (!buf) buf = Buffer.alloc(raaaa.encodingLength(host))
  if (!offset) offset = 0

  buf.writeUInt16BE(16, offset)
  offset += 2
  ip.v6.encode(host, buf, offset)
  raaaa.encode.bytes = 18
  return buf
}

raaaa.encode.bytes = 0

raaaa.decode = function (buf, offset) {
  if (!offset) offset = 0

  offset += 2
  const host = ip.v6.decode(buf, offset)
  raaaa.decode.bytes = 18
  return host
}

raaaa.decode.bytes = 0

raaaa.encodingLength = function () {
  return 18
}

const roption = exports.option = {}

roption.encode = function (option, buf, offset) {
  if (!buf) buf = Buffer.alloc(roption.encodingLength(option))
  if (!offset) offset = 0
  const oldOffset = offset

  const code = optioncodes.toCode(option.code)
  buf.writeUInt16BE(code, offset)
  offset += 2
  if (option.data) {
    buf.writeUInt16BE(option.data.length, offset)
    offset += 2
    option.data.copy(buf, offset)
    offset += option.data.length
  } else {
    switch (code) {
      // case 3: NSID.  No encode makes sense.
      // case 5,6,7: Not implementable
      case 8: // ECS
        // note: do IP math before calling
        const spl = option.sourcePrefixLength || 0
        const fam = option.family || ip.familyOf(option.ip)
        const ipBuf = ip.encode(option.ip, Buffer.alloc)
        const ipLen = Math.ceil(spl / 8)
        buf.writeUInt16BE(ipLen + 4, offset)
        offset += 2
        buf.writeUInt16BE(fam, offset)
        offset += 2
        buf.writeUInt8(spl, offset++)
        buf.writeUInt8(option.scopePrefixLength || 0, offset++)

        ipBuf.copy(buf, offset, 0, ipLen)
        offset += ipLen
        break
      // case 9: EXPIRE (experimental)
      // case 10: COOKIE.  No encode makes sense.
      case 11: // KEEP-ALIVE
        if (option.timeout) {
          buf.writeUInt16BE(2, offset)
          offset += 2
          buf.writeUInt16BE(option.timeout, offset)
          offset += 2
        } else {
          buf.writeUInt16BE(0, offset)
          offset += 2
        }
        break
      case 12: // PADDING
        const len = option.length || 0
        buf.writeUInt16BE(len, offset)
        offset += 2
        buf.fill(0, offset, offset + len)
        offset += len
        break
      // case 13:  CHAIN.  Experimental.
      case 14: // KEY-TAG
        const tagsLen = option.tags.length * 2
        buf.writeUInt16BE(tagsLen, offset)
        offset += 2
        for (const tag of option.tags) {
          buf.writeUInt16BE(tag, offset)
          offset += 2
        }
        break
      default:
        throw new Error(`Unknown roption code: ${option.code}`)
    }
  }

  roption.encode.bytes = offset - oldOffset
  return buf
}

roption.encode.bytes = 0

roption.decode = function (buf, offset) {
  if (!offset) offset = 0
  const option = {}
  option.code = buf.readUInt16BE(offset)
  option.type = optioncodes.toString(option.code)
  offset += 2
  const len = buf.readUInt16BE(offset)
  offset += 2
  option.data = buf.slice(offset, offset + len)
  switch (option.code) {
    // case 3: NSID.  No decode makes sense.
    case 8: // ECS
      option.family = buf.readUInt16BE(offset)
      offset += 2
      option.sourcePrefixLength = buf.readUInt8(offset++)
      option.scopePrefixLength = buf.readUInt8(offset++)
      const padded = Buffer.alloc((option.family === 1) ? 4 : 16)
      buf.copy(padded, 0, offset, offset + len - 4)
      option.ip = ip.decode(padded)
      break
    // case 12: Padding.  No decode makes sense.
    case 11: // KEEP-ALIVE
      if (len > 0) {
        option.timeout = buf.readUInt16BE(offset)
        offset += 2
      }
      break
    case 14:
      option.tags = []
      for (let i = 0; i < len; i += 2) {
        option.tags.push(buf.readUInt16BE(offset))
        offset += 2
      }
    // don't worry about default.  caller will use data if desired
  }

  roption.decode.bytes = len + 4
  return option
}

roption.decode.bytes = 0

roption.encodingLength = function (option) {
  if (option.data) {
    return option.data.length + 4
  }
  const code = optioncodes.toCode(option.code)
  switch (code) {
    case 8: // ECS
      const spl = option.sourcePrefixLength || 0
      return Math.ceil(spl / 8) + 8
    case 11: // KEEP-ALIVE
      return (typeof option.timeout === 'number') ? 6 : 4
    case 12: // PADDING
      return option.length + 4
    case 14: // KEY-TAG
      return 4 + (option.tags.length * 2)
  }
  throw new Error(`Unknown roption code: ${option.code}`)
}

const ropt = exports.opt = {}

ropt.encode = function (options, buf, offset) {
  if (!buf) buf = Buffer.alloc(ropt.encodingLength(options))
  if (!offset) offset = 0
  const oldOffset = offset

  const rdlen = encodingLengthList(options, roption)
  buf.writeUInt16BE(rdlen, offset)
  offset = encodeList(options, roption, buf, offset + 2)

  ropt.encode.bytes = offset - oldOffset
  return buf
}

ropt.encode.bytes = 0

ropt.decode = function (buf, offset) {
  if (!offset) offset = 0
  const oldOffset = offset

  const options = []
  let rdlen = buf.readUInt16BE(offset)
  offset += 2
  let o = 0
  while (rdlen > 0) {
    options[o++] = roption.decode(buf, offset)
    offset += roption.decode.bytes
    rdlen -= roption.decode.bytes
  }
  ropt.decode.bytes = offset - oldOffset
  return options
}

ropt.decode.bytes = 0

ropt.encodingLength = function (options) {
  return 2 + encodingLengthList(options || [], roption)
}

const rdnskey = exports.dnskey = {}

rdnskey.PROTOCOL_DNSSEC = 3
rdnskey.ZONE_KEY = 0x80
rdnskey.SECURE_ENTRYPOINT = 0x8000

rdnskey.encode = function (key, buf, offset) {
  if (!buf) buf = Buffer.alloc(rdnskey.encodingLength(key))
  if (!offset) offset = 0
  const oldOffset = offset

  const keydata = key.key
  if (!Buffer.isBuffer(keydata)) {
    throw new Error('Key must be a Buffer')
  }

  offset += 2 // Leave space for length
  buf.writeUInt16BE(key.flags, offset)
  offset += 2
  buf.writeUInt8(rdnskey.PROTOCOL_DNSSEC, offset)
  offset += 1
  buf.writeUInt8(key.algorithm, offset)
  offset += 1
  keydata.copy(buf, offset, 0, keydata.length)
  offset += keydata.length

  rdnskey.encode.bytes = offset - oldOffset
  buf.writeUInt16BE(rdnskey.encode.bytes - 2, oldOffset)
  return buf
}

rdnskey.encode.bytes = 0

rdnskey.decode = function (buf, offset) {
  if (!offset) offset = 0
  const oldOffset = offset

  var key = {}
  var length = buf.readUInt16BE(offset)
  offset += 2
  key.flags = buf.readUInt16BE(offset)
  offset += 2
  if (buf.readUInt8(offset) !== rdnskey.PROTOCOL_DNSSEC) {
    throw new Error('Protocol must be 3')
  }
  offset += 1
  key.algorithm = buf.readUInt8(offset)
  offset += 1
  key.key = buf.slice(offset, oldOffset + length + 2)
  offset += key.key.length
  rdnskey.decode.bytes = offset - oldOffset
  return key
}

rdnskey.decode.bytes = 0

rdnskey.encodingLength = function (key) {
  return 6 + Buffer.byteLength(key.key)
}

const rrrsig = exports.rrsig = {}

rrrsig.encode = function (sig, buf, offset) {
  if (!buf) buf = Buffer.alloc(rrrsig.encodingLength(sig))
  if (!offset) offset = 0
  const oldOffset = offset

  const signature = sig.signature
  if (!Buffer.isBuffer(signature)) {
    throw new Error('Signature must be a Buffer')
  }

  offset += 2 // Leave space for length
  buf.writeUInt16BE(types.toType(sig.typeCovered), offset)
  offset += 2
  buf.writeUInt8(sig.algorithm, offset)
  offset += 1
  buf.writeUInt8(sig.labels, offset)
  offset += 1
  buf.writeUInt32BE(sig.originalTTL, offset)
  offset += 4
  buf.writeUInt32BE(sig.expiration, offset)
  offset += 4
  buf.writeUInt32BE(sig.inception, offset)
  offset += 4
  buf.writeUInt16BE(sig.keyTag, offset)
  offset += 2
  name.encode(sig.signersName, buf, offset)
  offset += name.encode.bytes
  signature.copy(buf, offset, 0, signature.length)
  offset += signature.length

  rrrsig.encode.bytes = offset - oldOffset
  buf.writeUInt16BE(rrrsig.encode.bytes - 2, oldOffset)
  return buf
}

rrrsig.encode.bytes = 0

rrrsig.decode = function (buf, offset) {
  if (!offset) offset = 0
  const oldOffset = offset

  var sig = {}
  var length = buf.readUInt16BE(offset)
  offset += 2
  sig.typeCovered = types.toString(buf.readUInt16BE(offset))
  offset += 2
  sig.algorithm = buf.readUInt8(offset)
  offset += 1
  sig.labels = buf.readUInt8(offset)
  offset += 1
  sig.originalTTL = buf.readUInt32BE(offset)
  offset += 4
  sig.expiration = buf.readUInt32BE(offset)
  offset += 4
  sig.inception = buf.readUInt32BE(offset)
  offset += 4
  sig.keyTag = buf.readUInt16BE(offset)
  offset += 2
  sig.signersName = name.decode(buf, offset)
  offset += name.decode.bytes
  sig.signature = buf.slice(offset, oldOffset + length + 2)
  offset += sig.signature.length
  rrrsig.decode.bytes = offset - oldOffset
  return sig
}

rrrsig.decode.bytes = 0

rrrsig.encodingLength = function (sig) {
  return 20 +
    name.encodingLength(sig.signersName) +
    Buffer.byteLength(sig.signature)
}

const rrp = exports.rp = {}

rrp.encode = function (data, buf, offset) {
  if (!buf) buf = Buffer.alloc(rrp.encodingLength(data))
  if (!offset) offset = 0
  const oldOffset = offset

  offset += 2 // Leave space for length
  name.encode(data.mbox || '.', buf, offset, { mail: true })
  offset += name.encode.bytes
  name.encode(data.txt || '.', buf, offset)
  offset += name.encode.bytes
  rrp.encode.bytes = offset - oldOffset
  buf.writeUInt16BE(rrp.encode.bytes - 2, oldOffset)
  return buf
}

rrp.encode.bytes = 0

rrp.decode = function (buf, offset) {
  if (!offset) offset = 0
  const oldOffset = offset

  const data = {}
  offset += 2
  data.mbox = name.decode(buf, offset, { mail: true }) || '.'
  offset += name.decode.bytes
  data.txt = name.decode(buf, offset) || '.'
  offset += name.decode.bytes
  rrp.decode.bytes = offset - oldOffset
  return data
}

rrp.decode.bytes = 0

rrp.encodingLength = function (data) {
  return 2 + name.encodingLength(data.mbox || '.') + name.encodingLength(data.txt || '.')
}

const typebitmap = {}

typebitmap.encode = function (typelist, buf, offset) {
  if (!buf) buf = Buffer.alloc(typebitmap.encodingLength(typelist))
  if (!offset) offset = 0
  const oldOffset = offset

  var typesByWindow = []
  for (var i = 0; i < typelist.length; i++) {
    var typeid = types.toType(typelist[i])
    if (typesByWindow[typeid >> 8] === undefined) {
      typesByWindow[typeid >> 8] = []
    }
    typesByWindow[typeid >> 8][(typeid >> 3) & 0x1F] |= 1 << (7 - (typeid & 0x7))
  }

  for (i = 0; i < typesByWindow.length; i++) {
    if (typesByWindow[i] !== undefined) {
      var windowBuf = Buffer.from(typesByWindow[i])
      buf.writeUInt8(i, offset)
      offset += 1
      buf.writeUInt8(windowBuf.length, offset)
      offset += 1
      windowBuf.copy(buf, offset)
      offset += windowBuf.length
    }
  }

  typebitmap.encode.bytes = offset - oldOffset
  return buf
}

typebitmap.encode.bytes = 0

typebitmap.decode = function (buf, offset, length) {
  if (!offset) offset = 0
  const oldOffset = offset

  var typelist = []
  while (offset - oldOffset < length) {
    var window = buf.readUInt8(offset)
    offset += 1
    var windowLength = buf.readUInt8(offset)
    offset += 1
    for (var i = 0; i < windowLength; i++) {
      var b = buf.readUInt8(offset + i)
      for (var j = 0; j < 8; j++) {
        if (b & (1 << (7 - j))) {
          var typeid = types.toString((window << 8) | (i << 3) | j)
          typelist.push(typeid)
        }
      }
    }
    offset += windowLength
  }

  typebitmap.decode.bytes = offset - oldOffset
  return typelist
}

typebitmap.decode.bytes = 0

typebitmap.encodingLength = function (typelist) {
  var extents = []
  for (var i = 0; i < typelist.length; i++) {
    var typeid = types.toType(typelist[i])
    extents[typeid >> 8] = Math.max(extents[typeid >> 8] || 0, typeid & 0xFF)
  }

  var len = 0
  for (i = 0; i < extents.length; i++) {
    if (extents[i] !== undefined) {
      len += 2 + Math.ceil((extents[i] + 1) / 8)
    }
  }

  return len
}

const rnsec = exports.nsec = {}

rnsec.encode = function (record, buf, offset) {
  if (!buf) buf = Buffer.alloc(rnsec.encodingLength(record))
  if (!offset) offset = 0
  const oldOffset = offset

  offset += 2 // Leave space for length
  name.encode(record.nextDomain, buf, offset)
  offset += name.encode.bytes
  typebitmap.encode(record.rrtypes, buf, offset)
  offset += typebitmap.encode.bytes

  rnsec.encode.bytes = offset - oldOffset
  buf.writeUInt16BE(rnsec.encode.bytes - 2, oldOffset)
  return buf
}

rnsec.encode.bytes = 0

rnsec.decode = function (buf, offset) {
  if (!offset) offset = 0
  const oldOffset = offset

  var record = {}
  var length = buf.readUInt16BE(offset)
  offset += 2
  record.nextDomain = name.decode(buf, offset)
  offset += name.decode.bytes
  record.rrtypes = typebitmap.decode(buf, offset, length - (offset - oldOffset))
  offset += typebitmap.decode.bytes

  rnsec.decode.bytes = offset - oldOffset
  return record
}

rnsec.decode.bytes = 0

rnsec.encodingLength = function (record) {
  return 2 +
    name.encodingLength(record.nextDomain) +
    typebitmap.encodingLength(record.rrtypes)
}

const rnsec3 = exports.nsec3 = {}

rnsec3.encode = function (record, buf, offset) {
  if (!buf) buf = Buffer.alloc(rnsec3.encodingLength(record))
  if (!offset) offset = 0
  const oldOffset = offset

  const salt = record.salt
  if (!Buffer.isBuffer(salt)) {
    throw new Error('salt must be a Buffer')
  }

  const nextDomain = record.nextDomain
  if (!Buffer.isBuffer(nextDomain)) {
    throw new Error('nextDomain must be a Buffer')
  }

  offset += 2 // Leave space for length
  buf.writeUInt8(record.algorithm, offset)
  offset += 1
  buf.writeUInt8(record.flags, offset)
  offset += 1
  buf.writeUInt16BE(record.iterations, offset)
  offset += 2
  buf.writeUInt8(salt.length, offset)
  offset += 1
  salt.copy(buf, offset, 0, salt.length)
  offset += salt.length
  buf.writeUInt8(nextDomain.length, offset)
  offset += 1
  nextDomain.copy(buf, offset, 0, nextDomain.length)
  offset += nextDomain.length
  typebitmap.encode(record.rrtypes, buf, offset)
  offset += typebitmap.encode.bytes

  rnsec3.encode.bytes = offset - oldOffset
  buf.writeUInt16BE(rnsec3.encode.bytes - 2, oldOffset)
  return buf
}

rnsec3.encode.bytes = 0

rnsec3.decode = function (buf, offset) {
  if (!offset) offset = 0
  const oldOffset = offset

  var record = {}
  var length = buf.readUInt16BE(offset)
  offset += 2
  record.algorithm = buf.readUInt8(offset)
  offset += 1
  record.flags = buf.readUInt8(offset)
  offset += 1
  record.iterations = buf.readUInt16BE(offset)
  offset += 2
  const saltLength = buf.readUInt8(offset)
  offset += 1
  record.salt = buf.slice(offset, offset + saltLength)
  offset += saltLength
  const hashLength = buf.readUInt8(offset)
  offset += 1
  record.nextDomain = buf.slice(offset, offset + hashLength)
  offset += hashLength
  record.rrtypes = typebitmap.decode(buf, offset, length - (offset - oldOffset))
  offset += typebitmap.decode.bytes

  rnsec3.decode.bytes = offset - oldOffset
  return record
}

rnsec3.decode.bytes = 0

rnsec3.encodingLength = function (record) {
  return 8 +
    record.salt.length +
    record.nextDomain.length +
    typebitmap.encodingLength(record.rrtypes)
}

const rds = exports.ds = {}

rds.encode = function (digest, buf, offset) {
  if (!buf) buf = Buffer.alloc(rds.encodingLength(digest))
  if (!offset) offset = 0
  const oldOffset = offset

  const digestdata = digest.digest
  if (!Buffer.isBuffer(digestdata)) {
    throw new Error('Digest must be a Buffer')
  }

  offset += 2 // Leave space for length
  buf.writeUInt16BE(digest.keyTag, offset)
  offset += 2
  buf.writeUInt8(digest.algorithm, offset)
  offset += 1
  buf.writeUInt8(digest.digestType, offset)
  offset += 1
  digestdata.copy(buf, offset, 0, digestdata.length)
  offset += digestdata.length

  rds.encode.bytes = offset - oldOffset
  buf.writeUInt16BE(rds.encode.bytes - 2, oldOffset)
  return buf
}

rds.encode.bytes = 0

rds.decode = function (buf, offset) {
  if (!offset) offset = 0
  const oldOffset = offset

  var digest = {}
  var length = buf.readUInt16BE(offset)
  offset += 2
  digest.keyTag = buf.readUInt16BE(offset)
  offset += 2
  digest.algorithm = buf.readUInt8(offset)
  offset += 1
  digest.digestType = buf.readUInt8(offset)
  offset += 1
  digest.digest = buf.slice(offset, oldOffset + length + 2)
  offset += digest.digest.length
  rds.decode.bytes = offset - oldOffset
  return digest
}

rds.decode.bytes = 0

rds.encodingLength = function (digest) {
  return 6 + Buffer.byteLength(digest.digest)
}

const rsshfp = exports.sshfp = {}

rsshfp.getFingerprintLengthForHashType = function getFingerprintLengthForHashType (hashType) {
  switch (hashType) {
    case 1: return 20
    case 2: return 32
  }
}

rsshfp.encode = function encode (record, buf, offset) {
  if (!buf) buf = Buffer.alloc(rsshfp.encodingLength(record))
  if (!offset) offset = 0
  const oldOffset = offset

  offset += 2 // The function call starts with the offset pointer at the RDLENGTH field, not the RDATA one
  buf[offset] = record.algorithm
  offset += 1
  buf[offset] = record.hash
  offset += 1

  const fingerprintBuf = Buffer.from(record.fingerprint.toUpperCase(), 'hex')
  if (fingerprintBuf.length !== rsshfp.getFingerprintLengthForHashType(record.hash)) {
    throw new Error('Invalid fingerprint length')
  }
  fingerprintBuf.copy(buf, offset)
  offset += fingerprintBuf.byteLength

  rsshfp.encode.bytes = offset - oldOffset
  buf.writeUInt16BE(rsshfp.encode.bytes - 2, oldOffset)

  return buf
}

rsshfp.encode.bytes = 0

rsshfp.decode = function decode (buf, offset) {
  if (!offset) offset = 0
  const oldOffset = offset

  const record = {}
  offset += 2 // Account for the RDLENGTH field
  record.algorithm = buf[offset]
  offset += 1
  record.hash = buf[offset]
  offset += 1

  const fingerprintLength = rsshfp.getFingerprintLengthForHashType(record.hash)
  record.fingerprint = buf.slice(offset, offset + fingerprintLength).toString('hex').toUpperCase()
  offset += fingerprintLength
  rsshfp.decode.bytes = offset - oldOffset
  return record
}

rsshfp.decode.bytes = 0

rsshfp.encodingLength = function (record) {
  return 4 + Buffer.from(record.fingerprint, 'hex').byteLength
}

const rnaptr = exports.naptr = {}

rnaptr.encode = function (data, buf, offset) {
  if (!buf) buf = Buffer.alloc(rnaptr.encodingLength(data))
  if (!offset) offset = 0
  const oldOffset = offset
  offset += 2
  buf.writeUInt16BE(data.order || 0, offset)
  offset += 2
  buf.writeUInt16BE(data.preference || 0, offset)
  offset += 2
  string.encode(data.flags, buf, offset)
  offset += string.encode.bytes
  string.encode(data.services, buf, offset)
  offset += string.encode.bytes
  string.encode(data.regexp, buf, offset)
  offset += string.encode.bytes
  name.encode(data.replacement, buf, offset)
  offset += name.encode.bytes
  rnaptr.encode.bytes = offset - oldOffset
  buf.writeUInt16BE(rnaptr.encode.bytes - 2, oldOffset)
  return buf
}

rnaptr.encode.bytes = 0

rnaptr.decode = function (buf, offset) {
  if (!offset) offset = 0
  const oldOffset = offset
  const data = {}
  offset += 2
  data.order = buf.readUInt16BE(offset)
  offset += 2
  data.preference = buf.readUInt16BE(offset)
  offset += 2
  data.flags = string.decode(buf, offset)
  offset += string.decode.bytes
  data.services = string.decode(buf, offset)
  offset += string.decode.bytes
  data.regexp = string.decode(buf, offset)
  offset += string.decode.bytes
  data.replacement = name.decode(buf, offset)
  offset += name.decode.bytes
  rnaptr.decode.bytes = offset - oldOffset
  return data
}

rnaptr.decode.bytes = 0

rnaptr.encodingLength = function (data) {
  return string.encodingLength(data.flags) +
    string.encodingLength(data.services) +
    string.encodingLength(data.regexp) +
    name.encodingLength(data.replacement) + 6
}

const rtlsa = exports.tlsa = {}

rtlsa.encode = function (cert, buf, offset) {
  if (!buf) buf = Buffer.alloc(rtlsa.encodingLength(cert))
  if (!offset) offset = 0
  const oldOffset = offset

  const certdata = cert.certificate
  if (!Buffer.isBuffer(certdata)) {
    throw new Error('Certificate must be a Buffer')
  }

  offset += 2 // Leave space for length
  buf.writeUInt8(cert.usage, offset)
  offset += 1
  buf.writeUInt8(cert.selector, offset)
  offset += 1
  buf.writeUInt8(cert.matchingType, offset)
  offset += 1
  certdata.copy(buf, offset, 0, certdata.length)
  offset += certdata.length

  rtlsa.encode.bytes = offset - oldOffset
  buf.writeUInt16BE(rtlsa.encode.bytes - 2, oldOffset)
  return buf
}

rtlsa.encode.bytes = 0

rtlsa.decode = function (buf, offset) {
  if (!offset) offset = 0
  const oldOffset = offset

  const cert = {}
  const length = buf.readUInt16BE(offset)
  offset += 2
  cert.usage = buf.readUInt8(offset)
  offset += 1
  cert.selector = buf.readUInt8(offset)
  offset += 1
  cert.matchingType = buf.readUInt8(offset)
  offset += 1
  cert.certificate = buf.slice(offset, oldOffset + length + 2)
  offset += cert.certificate.length
  rtlsa.decode.bytes = offset - oldOffset
  return cert
}

rtlsa.decode.bytes = 0

rtlsa.encodingLength = function (cert) {
  return 5 + Buffer.byteLength(cert.certificate)
}

const renc = exports.record = function (type) {
  switch (type.toUpperCase()) {
    case 'A': return ra
    case 'PTR': return rptr
    case 'CNAME': return rcname
    case 'DNAME': return rdname
    case 'TXT': return rtxt
    case 'NULL': return rnull
    case 'AAAA': return raaaa
    case 'SRV': return rsrv
    case 'HINFO': return rhinfo
    case 'CAA': return rcaa
    case 'NS': return rns
    case 'SOA': return rsoa
    case 'MX': return rmx
    case 'OPT': return ropt
    case 'DNSKEY': return rdnskey
    case 'RRSIG': return rrrsig
    case 'RP': return rrp
    case 'NSEC': return rnsec
    case 'NSEC3': return rnsec3
    case 'SSHFP': return rsshfp
    case 'DS': return rds
    case 'NAPTR': return rnaptr
    case 'TLSA': return rtlsa
  }
  return runknown
}

const answer = exports.answer = {}

answer.encode = function (a, buf, offset) {
  if (!buf) buf = Buffer.alloc(answer.encodingLength(a))
  if (!offset) offset = 0

  const oldOffset = offset

  name.encode(a.name, buf, offset)
  offset += name.encode.bytes

  buf.writeUInt16BE(types.toType(a.type), offset)

  if (a.type.toUpperCase() === 'OPT') {
    if (a.name !== '.') {
      throw new Error('OPT name must be root.')
    }
    buf.writeUInt16BE(a.udpPayloadSize || 4096, offset + 2)
    buf.writeUInt8(a.extendedRcode || 0, offset + 4)
    buf.writeUInt8(a.ednsVersion || 0, offset + 5)
    buf.writeUInt16BE(a.flags || 0, offset + 6)

    offset += 8
    ropt.encode(a.options || [], buf, offset)
    offset += ropt.encode.bytes
  } else {
    let klass = classes.toClass(a.class === undefined ? 'IN' : a.class)
    if (a.flush) klass |= FLUSH_MASK // the 1st bit of the class is the flush bit
    buf.writeUInt16BE(klass, offset + 2)
    buf.writeUInt32BE(a.ttl || 0, offset + 4)

    offset += 8
    const enc = renc(a.type)
    enc.encode(a.data, buf, offset)
    offset += enc.encode.bytes
  }

  answer.encode.bytes = offset - oldOffset
  return buf
}

answer.encode.bytes = 0

answer.decode = function (buf, offset) {
  if (!offset) offset = 0

  const a = {}
  const oldOffset = offset

  a.name = name.decode(buf, offset)
  offset += name.decode.bytes
  a.type = types.toString(buf.readUInt16BE(offset))
  if (a.type === 'OPT') {
    a.udpPayloadSize = buf.readUInt16BE(offset + 2)
    a.extendedRcode = buf.readUInt8(offset + 4)
    a.ednsVersion = buf.readUInt8(offset + 5)
    a.flags = buf.readUInt16BE(offset + 6)
    a.flag_do = ((a.flags >> 15) & 0x1) === 1
    a.options = ropt.decode(buf, offset + 8)
    offset += 8 + ropt.decode.bytes
  } else {
    const klass = buf.readUInt16BE(offset + 2)
    a.ttl = buf.readUInt32BE(offset + 4)

    a.class = classes.toString(klass & NOT_FLUSH_MASK)
    a.flush = !!(klass & FLUSH_MASK)

    const enc = renc(a.type)
    a.data = enc.decode(buf, offset + 8)
    offset += 8 + enc.decode.bytes
  }

  answer.decode.bytes = offset - oldOffset
  return a
}

answer.decode.bytes = 0

answer.encodingLength = function (a) {
  const data = (a.data !== null && a.data !== undefined) ? a.data : a.options
  return name.encodingLength(a.name) + 8 + renc(a.type).encodingLength(data)
}

const question = exports.question = {}

question.encode = function (q, buf, offset) {
  if (!buf) buf = Buffer.alloc(question.encodingLength(q))
  if (!offset) offset = 0

  const oldOffset = offset

  name.encode(q.name, buf, offset)
  offset += name.encode.bytes

  buf.writeUInt16BE(types.toType(q.type), offset)
  offset += 2

  buf.writeUInt16BE(classes.toClass(q.class === undefined ? 'IN' : q.class), offset)
  offset += 2

  question.encode.bytes = offset - oldOffset
  return q
}

question.encode.bytes = 0

question.decode = function (buf, offset) {
  if (!offset) offset = 0

  const oldOffset = offset
  const q = {}

  q.name = name.decode(buf, offset)
  offset += name.decode.bytes

  q.type = types.toString(buf.readUInt16BE(offset))
  offset += 2

  q.class = classes.toString(buf.readUInt16BE(offset))
  offset += 2

  const qu = !!(q.class & QU_MASK)
  if (qu) q.class &= NOT_QU_MASK

  question.decode.bytes = offset - oldOffset
  return q
}

question.decode.bytes = 0

question.encodingLength = function (q) {
  return name.encodingLength(q.name) + 4
}

exports.AUTHORITATIVE_ANSWER = 1 << 10
exports.TRUNCATED_RESPONSE = 1 << 9
exports.RECURSION_DESIRED = 1 << 8
exports.RECURSION_AVAILABLE = 1 << 7
exports.AUTHENTIC_DATA = 1 << 5
exports.CHECKING_DISABLED = 1 << 4
exports.DNSSEC_OK = 1 << 15

exports.encode = function (result, buf, offset) {
  const allocing = !buf

  if (allocing) buf = Buffer.alloc(exports.encodingLength(result))
  if (!offset) offset = 0

  const oldOffset = offset

  if (!result.questions) result.questions = []
  if (!result.answers) result.answers = []
  if (!result.authorities) result.authorities = []
  if (!result.additionals) result.additionals = []

  header.encode(result, buf, offset)
  offset += header.encode.bytes

  offset = encodeList(result.questions, question, buf, offset)
  offset = encodeList(result.answers, answer, buf, offset)
  offset = encodeList(result.authorities, answer, buf, offset)
  offset = encodeList(result.additionals, answer, buf, offset)

  exports.encode.bytes = offset - oldOffset

  // just a quick sanity check
  if (allocing && exports.encode.bytes !== buf.length) {
    return buf.slice(0, exports.encode.bytes)
  }

  return buf
}

exports.encode.bytes = 0

exports.decode = function (buf, offset) {
  if (!offset) offset = 0

  const oldOffset = offset
  const result = header.decode(buf, offset)
  offset += header.decode.bytes

  offset = decodeList(result.questions, question, buf, offset)
  offset = decodeList(result.answers, answer, buf, offset)
  offset = decodeList(result.authorities, answer, buf, offset)
  offset = decodeList(result.additionals, answer, buf, offset)

  exports.decode.bytes = offset - oldOffset

  return result
}

exports.decode.bytes = 0

exports.encodingLength = function (result) {
  return header.encodingLength(result) +
    encodingLengthList(result.questions || [], question) +
    encodingLengthList(result.answers || [], answer) +
    encodingLengthList(result.authorities || [], answer) +
    encodingLengthList(result.additionals || [], answer)
}

exports.streamEncode = function (result) {
  const buf = exports.encode(result)
  const sbuf = Buffer.alloc(2)
  sbuf.writeUInt16BE(buf.byteLength)
  const combine = Buffer.concat([sbuf, buf])
  exports.streamEncode.bytes = combine.byteLength
  return combine
}

exports.streamEncode.bytes = 0

exports.streamDecode = function (sbuf) {
  const len = sbuf.readUInt16BE(0)
  if (sbuf.byteLength < len + 2) {
    // not enough data
    return null
  }
  const result = exports.decode(sbuf.slice(2))
  exports.streamDecode.bytes = exports.decode.bytes
  return result
}

exports.streamDecode.bytes = 0

function encodingLengthList (list, enc) {
  let len = 0
  for (let i = 0; i < list.length; i++) len += enc.encodingLength(list[i])
  return len
}

function encodeList (list, enc, buf, offset) {
  for (let i = 0; i < list.length; i++) {
    enc.encode(list[i], buf, offset)
    offset += enc.encode.bytes
  }
  return offset
}

function decodeList (list, enc, buf, offset) {
  for (let i = 0; i < list.length; i++) {
    list[i] = enc.decode(buf, offset)
    offset += enc.decode.bytes
  }
  return offset
}


/***/ }),

/***/ 4693:
/***/ ((__unused_webpack_module, exports) => {



/*
 * Traditional DNS header OPCODEs (4-bits) defined by IANA in
 * https://www.iana.org/assignments/dns-parameters/dns-parameters.xhtml#dns-parameters-5
 */

exports.toString = function (opcode) {
  switch (opcode) {
    case 0: return 'QUERY'
    case 1: return 'IQUERY'
    case 2: return 'STATUS'
    case 3: return 'OPCODE_3'
    case 4: return 'NOTIFY'
    case 5: return 'UPDATE'
    case 6: return 'OPCODE_6'
    case 7: return 'OPCODE_7'
    case 8: return 'OPCODE_8'
    case 9: return 'OPCODE_9'
    case 10: return 'OPCODE_10'
    case 11: return 'OPCODE_11'
    case 12: return 'OPCODE_12'
    case 13: return 'OPCODE_13'
    case 14: return 'OPCODE_14'
    case 15: return 'OPCODE_15'
  }
  return 'OPCODE_' + opcode
}

exports.toOpcode = function (code) {
  switch (code.toUpperCase()) {
    case 'QUERY': return 0
    case 'IQUERY': return 1
    case 'STATUS': return 2
    case 'OPCODE_3': return 3
    case 'NOTIFY': return 4
    case 'UPDATE': return 5
    case 'OPCODE_6': return 6
    case 'OPCODE_7': return 7
    case 'OPCODE_8': return 8
    case 'OPCODE_9': return 9
    case 'OPCODE_10': return 10
    case 'OPCODE_11': return 11
    case 'OPCODE_12': return 12
    case 'OPCODE_13': return 13
    case 'OPCODE_14': return 14
    case 'OPCODE_15': return 15
  }
  return 0
}


/***/ }),

/***/ 2075:
/***/ ((__unused_webpack_module, exports) => {



exports.toString = function (type) {
  switch (type) {
    // list at
    // https://www.iana.org/assignments/dns-parameters/dns-parameters.xhtml#dns-parameters-11
    case 1: return 'LLQ'
    case 2: return 'UL'
    case 3: return 'NSID'
    case 5: return 'DAU'
    case 6: return 'DHU'
    case 7: return 'N3U'
    case 8: return 'CLIENT_SUBNET'
    case 9: return 'EXPIRE'
    case 10: return 'COOKIE'
    case 11: return 'TCP_KEEPALIVE'
    case 12: return 'PADDING'
    case 13: return 'CHAIN'
    case 14: return 'KEY_TAG'
    case 26946: return 'DEVICEID'
  }
  if (type < 0) {
    return null
  }
  return `OPTION_${type}`
}

exports.toCode = function (name) {
  if (typeof name === 'number') {
    return name
  }
  if (!name) {
    return -1
  }
  switch (name.toUpperCase()) {
    case 'OPTION_0': return 0
    case 'LLQ': return 1
    case 'UL': return 2
    case 'NSID': return 3
    case 'OPTION_4': return 4
    case 'DAU': return 5
    case 'DHU': return 6
    case 'N3U': return 7
    case 'CLIENT_SUBNET': return 8
    case 'EXPIRE': return 9
    case 'COOKIE': return 10
    case 'TCP_KEEPALIVE': return 11
    case 'PADDING': return 12
    case 'CHAIN': return 13
    case 'KEY_TAG': return 14
    case 'DEVICEID': return 26946
    case 'OPTION_65535': return 65535
  }
  const m = name.match(/_(\d+)$/)
  if (m) {
    return parseInt(m[1], 10)
  }
  return -1
}


/***/ }),

/***/ 2028:
/***/ ((__unused_webpack_module, exports) => {



/*
 * Traditional DNS header RCODEs (4-bits) defined by IANA in
 * https://www.iana.org/assignments/dns-parameters/dns-parameters.xhtml
 */

exports.toString = function (rcode) {
  switch (rcode) {
    case 0: return 'NOERROR'
    case 1: return 'FORMERR'
    case 2: return 'SERVFAIL'
    case 3: return 'NXDOMAIN'
    case 4: return 'NOTIMP'
    case 5: return 'REFUSED'
    case 6: return 'YXDOMAIN'
    case 7: return 'YXRRSET'
    case 8: return 'NXRRSET'
    case 9: return 'NOTAUTH'
    case 10: return 'NOTZONE'
    case 11: return 'RCODE_11'
    case 12: return 'RCODE_12'
    case 13: return 'RCODE_13'
    case 14: return 'RCODE_14'
    case 15: return 'RCODE_15'
  }
  return 'RCODE_' + rcode
}

exports.toRcode = function (code) {
  switch (code.toUpperCase()) {
    case 'NOERROR': return 0
    case 'FORMERR': return 1
    case 'SERVFAIL': return 2
    case 'NXDOMAIN': return 3
    case 'NOTIMP': return 4
    case 'REFUSED': return 5
    case 'YXDOMAIN': return 6
    case 'YXRRSET': return 7
    case 'NXRRSET': return 8
    case 'NOTAUTH': return 9
    case 'NOTZONE': return 10
    case 'RCODE_11': return 11
    case 'RCODE_12': return 12
    case 'RCODE_13': return 13
    case 'RCODE_14': return 14
    case 'RCODE_15': return 15
  }
  return 0
}


/***/ }),

/***/ 1891:
/***/ ((__unused_webpack_module, exports) => {



exports.toString = function (type) {
  switch (type) {
    case 1: return 'A'
    case 10: return 'NULL'
    case 28: return 'AAAA'
    case 18: return 'AFSDB'
    case 42: return 'APL'
    case 257: return 'CAA'
    case 60: return 'CDNSKEY'
    case 59: return 'CDS'
    case 37: return 'CERT'
    case 5: return 'CNAME'
    case 49: return 'DHCID'
    case 32769: return 'DLV'
    case 39: return 'DNAME'
    case 48: return 'DNSKEY'
    case 43: return 'DS'
    case 55: return 'HIP'
    case 13: return 'HINFO'
    case 45: return 'IPSECKEY'
    case 25: return 'KEY'
    case 36: return 'KX'
    case 29: return 'LOC'
    case 15: return 'MX'
    case 35: return 'NAPTR'
    case 2: return 'NS'
    case 47: return 'NSEC'
    case 50: return 'NSEC3'
    case 51: return 'NSEC3PARAM'
    case 12: return 'PTR'
    case 46: return 'RRSIG'
    case 17: return 'RP'
    case 24: return 'SIG'
    case 6: return 'SOA'
    case 99: return 'SPF'
    case 33: return 'SRV'
    case 44: return 'SSHFP'
    case 32768: return 'TA'
    case 249: return 'TKEY'
    case 52: return 'TLSA'
    case 250: return 'TSIG'
    case 16: return 'TXT'
    case 252: return 'AXFR'
    case 251: return 'IXFR'
    case 41: return 'OPT'
    case 255: return 'ANY'
  }
  return 'UNKNOWN_' + type
}

exports.toType = function (name) {
  switch (name.toUpperCase()) {
    case 'A': return 1
    case 'NULL': return 10
    case 'AAAA': return 28
    case 'AFSDB': return 18
    case 'APL': return 42
    case 'CAA': return 257
    case 'CDNSKEY': return 60
    case 'CDS': return 59
    case 'CERT': return 37
    case 'CNAME': return 5
    case 'DHCID': return 49
    case 'DLV': return 32769
    case 'DNAME': return 39
    case 'DNSKEY': return 48
    case 'DS': return 43
    case 'HIP': return 55
    case 'HINFO': return 13
    case 'IPSECKEY': return 45
    case 'KEY': return 25
    case 'KX': return 36
    case 'LOC': return 29
    case 'MX': return 15
    case 'NAPTR': return 35
    case 'NS': return 2
    case 'NSEC': return 47
    case 'NSEC3': return 50
    case 'NSEC3PARAM': return 51
    case 'PTR': return 12
    case 'RRSIG': return 46
    case 'RP': return 17
    case 'SIG': return 24
    case 'SOA': return 6
    case 'SPF': return 99
    case 'SRV': return 33
    case 'SSHFP': return 44
    case 'TA': return 32768
    case 'TKEY': return 249
    case 'TLSA': return 52
    case 'TSIG': return 250
    case 'TXT': return 16
    case 'AXFR': return 252
    case 'IXFR': return 251
    case 'OPT': return 41
    case 'ANY': return 255
    case '*': return 255
  }
  if (name.toUpperCase().startsWith('UNKNOWN_')) return parseInt(name.slice(8))
  return 0
}


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 2250:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("dns");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5675:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http2");

/***/ }),

/***/ 3311:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 932:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("process");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 2018:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tty");

/***/ }),

/***/ 7016:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 3106:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("zlib");

/***/ }),

/***/ 7349:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var resolveBlockMap = __nccwpck_require__(7103);
var resolveBlockSeq = __nccwpck_require__(334);
var resolveFlowCollection = __nccwpck_require__(3142);

function resolveCollection(CN, ctx, token, onError, tagName, tag) {
    const coll = token.type === 'block-map'
        ? resolveBlockMap.resolveBlockMap(CN, ctx, token, onError, tag)
        : token.type === 'block-seq'
            ? resolveBlockSeq.resolveBlockSeq(CN, ctx, token, onError, tag)
            : resolveFlowCollection.resolveFlowCollection(CN, ctx, token, onError, tag);
    const Coll = coll.constructor;
    // If we got a tagName matching the class, or the tag name is '!',
    // then use the tagName from the node class used to create it.
    if (tagName === '!' || tagName === Coll.tagName) {
        coll.tag = Coll.tagName;
        return coll;
    }
    if (tagName)
        coll.tag = tagName;
    return coll;
}
function composeCollection(CN, ctx, token, props, onError) {
    const tagToken = props.tag;
    const tagName = !tagToken
        ? null
        : ctx.directives.tagName(tagToken.source, msg => onError(tagToken, 'TAG_RESOLVE_FAILED', msg));
    if (token.type === 'block-seq') {
        const { anchor, newlineAfterProp: nl } = props;
        const lastProp = anchor && tagToken
            ? anchor.offset > tagToken.offset
                ? anchor
                : tagToken
            : (anchor ?? tagToken);
        if (lastProp && (!nl || nl.offset < lastProp.offset)) {
            const message = 'Missing newline after block sequence props';
            onError(lastProp, 'MISSING_CHAR', message);
        }
    }
    const expType = token.type === 'block-map'
        ? 'map'
        : token.type === 'block-seq'
            ? 'seq'
            : token.start.source === '{'
                ? 'map'
                : 'seq';
    // shortcut: check if it's a generic YAMLMap or YAMLSeq
    // before jumping into the custom tag logic.
    if (!tagToken ||
        !tagName ||
        tagName === '!' ||
        (tagName === YAMLMap.YAMLMap.tagName && expType === 'map') ||
        (tagName === YAMLSeq.YAMLSeq.tagName && expType === 'seq')) {
        return resolveCollection(CN, ctx, token, onError, tagName);
    }
    let tag = ctx.schema.tags.find(t => t.tag === tagName && t.collection === expType);
    if (!tag) {
        const kt = ctx.schema.knownTags[tagName];
        if (kt?.collection === expType) {
            ctx.schema.tags.push(Object.assign({}, kt, { default: false }));
            tag = kt;
        }
        else {
            if (kt) {
                onError(tagToken, 'BAD_COLLECTION_TYPE', `${kt.tag} used for ${expType} collection, but expects ${kt.collection ?? 'scalar'}`, true);
            }
            else {
                onError(tagToken, 'TAG_RESOLVE_FAILED', `Unresolved tag: ${tagName}`, true);
            }
            return resolveCollection(CN, ctx, token, onError, tagName);
        }
    }
    const coll = resolveCollection(CN, ctx, token, onError, tagName, tag);
    const res = tag.resolve?.(coll, msg => onError(tagToken, 'TAG_RESOLVE_FAILED', msg), ctx.options) ?? coll;
    const node = identity.isNode(res)
        ? res
        : new Scalar.Scalar(res);
    node.range = coll.range;
    node.tag = tagName;
    if (tag?.format)
        node.format = tag.format;
    return node;
}

exports.composeCollection = composeCollection;


/***/ }),

/***/ 3683:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Document = __nccwpck_require__(3021);
var composeNode = __nccwpck_require__(5937);
var resolveEnd = __nccwpck_require__(7788);
var resolveProps = __nccwpck_require__(4631);

function composeDoc(options, directives, { offset, start, value, end }, onError) {
    const opts = Object.assign({ _directives: directives }, options);
    const doc = new Document.Document(undefined, opts);
    const ctx = {
        atKey: false,
        atRoot: true,
        directives: doc.directives,
        options: doc.options,
        schema: doc.schema
    };
    const props = resolveProps.resolveProps(start, {
        indicator: 'doc-start',
        next: value ?? end?.[0],
        offset,
        onError,
        parentIndent: 0,
        startOnNewline: true
    });
    if (props.found) {
        doc.directives.docStart = true;
        if (value &&
            (value.type === 'block-map' || value.type === 'block-seq') &&
            !props.hasNewline)
            onError(props.end, 'MISSING_CHAR', 'Block collection cannot start on same line with directives-end marker');
    }
    // @ts-expect-error If Contents is set, let's trust the user
    doc.contents = value
        ? composeNode.composeNode(ctx, value, props, onError)
        : composeNode.composeEmptyNode(ctx, props.end, start, null, props, onError);
    const contentEnd = doc.contents.range[2];
    const re = resolveEnd.resolveEnd(end, contentEnd, false, onError);
    if (re.comment)
        doc.comment = re.comment;
    doc.range = [offset, contentEnd, re.offset];
    return doc;
}

exports.composeDoc = composeDoc;


/***/ }),

/***/ 5937:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Alias = __nccwpck_require__(4065);
var identity = __nccwpck_require__(1127);
var composeCollection = __nccwpck_require__(7349);
var composeScalar = __nccwpck_require__(5413);
var resolveEnd = __nccwpck_require__(7788);
var utilEmptyScalarPosition = __nccwpck_require__(2599);

const CN = { composeNode, composeEmptyNode };
function composeNode(ctx, token, props, onError) {
    const atKey = ctx.atKey;
    const { spaceBefore, comment, anchor, tag } = props;
    let node;
    let isSrcToken = true;
    switch (token.type) {
        case 'alias':
            node = composeAlias(ctx, token, onError);
            if (anchor || tag)
                onError(token, 'ALIAS_PROPS', 'An alias node must not specify any properties');
            break;
        case 'scalar':
        case 'single-quoted-scalar':
        case 'double-quoted-scalar':
        case 'block-scalar':
            node = composeScalar.composeScalar(ctx, token, tag, onError);
            if (anchor)
                node.anchor = anchor.source.substring(1);
            break;
        case 'block-map':
        case 'block-seq':
        case 'flow-collection':
            try {
                node = composeCollection.composeCollection(CN, ctx, token, props, onError);
                if (anchor)
                    node.anchor = anchor.source.substring(1);
            }
            catch (error) {
                // Almost certainly here due to a stack overflow
                const message = error instanceof Error ? error.message : String(error);
                onError(token, 'RESOURCE_EXHAUSTION', message);
            }
            break;
        default: {
            const message = token.type === 'error'
                ? token.message
                : `Unsupported token (type: ${token.type})`;
            onError(token, 'UNEXPECTED_TOKEN', message);
            isSrcToken = false;
        }
    }
    node ?? (node = composeEmptyNode(ctx, token.offset, undefined, null, props, onError));
    if (anchor && node.anchor === '')
        onError(anchor, 'BAD_ALIAS', 'Anchor cannot be an empty string');
    if (atKey &&
        ctx.options.stringKeys &&
        (!identity.isScalar(node) ||
            typeof node.value !== 'string' ||
            (node.tag && node.tag !== 'tag:yaml.org,2002:str'))) {
        const msg = 'With stringKeys, all keys must be strings';
        onError(tag ?? token, 'NON_STRING_KEY', msg);
    }
    if (spaceBefore)
        node.spaceBefore = true;
    if (comment) {
        if (token.type === 'scalar' && token.source === '')
            node.comment = comment;
        else
            node.commentBefore = comment;
    }
    // @ts-expect-error Type checking misses meaning of isSrcToken
    if (ctx.options.keepSourceTokens && isSrcToken)
        node.srcToken = token;
    return node;
}
function composeEmptyNode(ctx, offset, before, pos, { spaceBefore, comment, anchor, tag, end }, onError) {
    const token = {
        type: 'scalar',
        offset: utilEmptyScalarPosition.emptyScalarPosition(offset, before, pos),
        indent: -1,
        source: ''
    };
    const node = composeScalar.composeScalar(ctx, token, tag, onError);
    if (anchor) {
        node.anchor = anchor.source.substring(1);
        if (node.anchor === '')
            onError(anchor, 'BAD_ALIAS', 'Anchor cannot be an empty string');
    }
    if (spaceBefore)
        node.spaceBefore = true;
    if (comment) {
        node.comment = comment;
        node.range[2] = end;
    }
    return node;
}
function composeAlias({ options }, { offset, source, end }, onError) {
    const alias = new Alias.Alias(source.substring(1));
    if (alias.source === '')
        onError(offset, 'BAD_ALIAS', 'Alias cannot be an empty string');
    if (alias.source.endsWith(':'))
        onError(offset + source.length - 1, 'BAD_ALIAS', 'Alias ending in : is ambiguous', true);
    const valueEnd = offset + source.length;
    const re = resolveEnd.resolveEnd(end, valueEnd, options.strict, onError);
    alias.range = [offset, valueEnd, re.offset];
    if (re.comment)
        alias.comment = re.comment;
    return alias;
}

exports.composeEmptyNode = composeEmptyNode;
exports.composeNode = composeNode;


/***/ }),

/***/ 5413:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var resolveBlockScalar = __nccwpck_require__(8913);
var resolveFlowScalar = __nccwpck_require__(6842);

function composeScalar(ctx, token, tagToken, onError) {
    const { value, type, comment, range } = token.type === 'block-scalar'
        ? resolveBlockScalar.resolveBlockScalar(ctx, token, onError)
        : resolveFlowScalar.resolveFlowScalar(token, ctx.options.strict, onError);
    const tagName = tagToken
        ? ctx.directives.tagName(tagToken.source, msg => onError(tagToken, 'TAG_RESOLVE_FAILED', msg))
        : null;
    let tag;
    if (ctx.options.stringKeys && ctx.atKey) {
        tag = ctx.schema[identity.SCALAR];
    }
    else if (tagName)
        tag = findScalarTagByName(ctx.schema, value, tagName, tagToken, onError);
    else if (token.type === 'scalar')
        tag = findScalarTagByTest(ctx, value, token, onError);
    else
        tag = ctx.schema[identity.SCALAR];
    let scalar;
    try {
        const res = tag.resolve(value, msg => onError(tagToken ?? token, 'TAG_RESOLVE_FAILED', msg), ctx.options);
        scalar = identity.isScalar(res) ? res : new Scalar.Scalar(res);
    }
    catch (error) {
        const msg = error instanceof Error ? error.message : String(error);
        onError(tagToken ?? token, 'TAG_RESOLVE_FAILED', msg);
        scalar = new Scalar.Scalar(value);
    }
    scalar.range = range;
    scalar.source = value;
    if (type)
        scalar.type = type;
    if (tagName)
        scalar.tag = tagName;
    if (tag.format)
        scalar.format = tag.format;
    if (comment)
        scalar.comment = comment;
    return scalar;
}
function findScalarTagByName(schema, value, tagName, tagToken, onError) {
    if (tagName === '!')
        return schema[identity.SCALAR]; // non-specific tag
    const matchWithTest = [];
    for (const tag of schema.tags) {
        if (!tag.collection && tag.tag === tagName) {
            if (tag.default && tag.test)
                matchWithTest.push(tag);
            else
                return tag;
        }
    }
    for (const tag of matchWithTest)
        if (tag.test?.test(value))
            return tag;
    const kt = schema.knownTags[tagName];
    if (kt && !kt.collection) {
        // Ensure that the known tag is available for stringifying,
        // but does not get used by default.
        schema.tags.push(Object.assign({}, kt, { default: false, test: undefined }));
        return kt;
    }
    onError(tagToken, 'TAG_RESOLVE_FAILED', `Unresolved tag: ${tagName}`, tagName !== 'tag:yaml.org,2002:str');
    return schema[identity.SCALAR];
}
function findScalarTagByTest({ atKey, directives, schema }, value, token, onError) {
    const tag = schema.tags.find(tag => (tag.default === true || (atKey && tag.default === 'key')) &&
        tag.test?.test(value)) || schema[identity.SCALAR];
    if (schema.compat) {
        const compat = schema.compat.find(tag => tag.default && tag.test?.test(value)) ??
            schema[identity.SCALAR];
        if (tag.tag !== compat.tag) {
            const ts = directives.tagString(tag.tag);
            const cs = directives.tagString(compat.tag);
            const msg = `Value may be parsed as either ${ts} or ${cs}`;
            onError(token, 'TAG_RESOLVE_FAILED', msg, true);
        }
    }
    return tag;
}

exports.composeScalar = composeScalar;


/***/ }),

/***/ 9984:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_process = __nccwpck_require__(932);
var directives = __nccwpck_require__(1342);
var Document = __nccwpck_require__(3021);
var errors = __nccwpck_require__(1464);
var identity = __nccwpck_require__(1127);
var composeDoc = __nccwpck_require__(3683);
var resolveEnd = __nccwpck_require__(7788);

function getErrorPos(src) {
    if (typeof src === 'number')
        return [src, src + 1];
    if (Array.isArray(src))
        return src.length === 2 ? src : [src[0], src[1]];
    const { offset, source } = src;
    return [offset, offset + (typeof source === 'string' ? source.length : 1)];
}
function parsePrelude(prelude) {
    let comment = '';
    let atComment = false;
    let afterEmptyLine = false;
    for (let i = 0; i < prelude.length; ++i) {
        const source = prelude[i];
        switch (source[0]) {
            case '#':
                comment +=
                    (comment === '' ? '' : afterEmptyLine ? '\n\n' : '\n') +
                        (source.substring(1) || ' ');
                atComment = true;
                afterEmptyLine = false;
                break;
            case '%':
                if (prelude[i + 1]?.[0] !== '#')
                    i += 1;
                atComment = false;
                break;
            default:
                // This may be wrong after doc-end, but in that case it doesn't matter
                if (!atComment)
                    afterEmptyLine = true;
                atComment = false;
        }
    }
    return { comment, afterEmptyLine };
}
/**
 * Compose a stream of CST nodes into a stream of YAML Documents.
 *
 * ```ts
 * import { Composer, Parser } from 'yaml'
 *
 * const src: string = ...
 * const tokens = new Parser().parse(src)
 * const docs = new Composer().compose(tokens)
 * ```
 */
class Composer {
    constructor(options = {}) {
        this.doc = null;
        this.atDirectives = false;
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
        this.onError = (source, code, message, warning) => {
            const pos = getErrorPos(source);
            if (warning)
                this.warnings.push(new errors.YAMLWarning(pos, code, message));
            else
                this.errors.push(new errors.YAMLParseError(pos, code, message));
        };
        // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
        this.directives = new directives.Directives({ version: options.version || '1.2' });
        this.options = options;
    }
    decorate(doc, afterDoc) {
        const { comment, afterEmptyLine } = parsePrelude(this.prelude);
        //console.log({ dc: doc.comment, prelude, comment })
        if (comment) {
            const dc = doc.contents;
            if (afterDoc) {
                doc.comment = doc.comment ? `${doc.comment}\n${comment}` : comment;
            }
            else if (afterEmptyLine || doc.directives.docStart || !dc) {
                doc.commentBefore = comment;
            }
            else if (identity.isCollection(dc) && !dc.flow && dc.items.length > 0) {
                let it = dc.items[0];
                if (identity.isPair(it))
                    it = it.key;
                const cb = it.commentBefore;
                it.commentBefore = cb ? `${comment}\n${cb}` : comment;
            }
            else {
                const cb = dc.commentBefore;
                dc.commentBefore = cb ? `${comment}\n${cb}` : comment;
            }
        }
        if (afterDoc) {
            for (let i = 0; i < this.errors.length; ++i)
                doc.errors.push(this.errors[i]);
            for (let i = 0; i < this.warnings.length; ++i)
                doc.warnings.push(this.warnings[i]);
        }
        else {
            doc.errors = this.errors;
            doc.warnings = this.warnings;
        }
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
    }
    /**
     * Current stream status information.
     *
     * Mostly useful at the end of input for an empty stream.
     */
    streamInfo() {
        return {
            comment: parsePrelude(this.prelude).comment,
            directives: this.directives,
            errors: this.errors,
            warnings: this.warnings
        };
    }
    /**
     * Compose tokens into documents.
     *
     * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
     * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
     */
    *compose(tokens, forceDoc = false, endOffset = -1) {
        for (const token of tokens)
            yield* this.next(token);
        yield* this.end(forceDoc, endOffset);
    }
    /** Advance the composer by one CST token. */
    *next(token) {
        if (node_process.env.LOG_STREAM)
            console.dir(token, { depth: null });
        switch (token.type) {
            case 'directive':
                this.directives.add(token.source, (offset, message, warning) => {
                    const pos = getErrorPos(token);
                    pos[0] += offset;
                    this.onError(pos, 'BAD_DIRECTIVE', message, warning);
                });
                this.prelude.push(token.source);
                this.atDirectives = true;
                break;
            case 'document': {
                const doc = composeDoc.composeDoc(this.options, this.directives, token, this.onError);
                if (this.atDirectives && !doc.directives.docStart)
                    this.onError(token, 'MISSING_CHAR', 'Missing directives-end/doc-start indicator line');
                this.decorate(doc, false);
                if (this.doc)
                    yield this.doc;
                this.doc = doc;
                this.atDirectives = false;
                break;
            }
            case 'byte-order-mark':
            case 'space':
                break;
            case 'comment':
            case 'newline':
                this.prelude.push(token.source);
                break;
            case 'error': {
                const msg = token.source
                    ? `${token.message}: ${JSON.stringify(token.source)}`
                    : token.message;
                const error = new errors.YAMLParseError(getErrorPos(token), 'UNEXPECTED_TOKEN', msg);
                if (this.atDirectives || !this.doc)
                    this.errors.push(error);
                else
                    this.doc.errors.push(error);
                break;
            }
            case 'doc-end': {
                if (!this.doc) {
                    const msg = 'Unexpected doc-end without preceding document';
                    this.errors.push(new errors.YAMLParseError(getErrorPos(token), 'UNEXPECTED_TOKEN', msg));
                    break;
                }
                this.doc.directives.docEnd = true;
                const end = resolveEnd.resolveEnd(token.end, token.offset + token.source.length, this.doc.options.strict, this.onError);
                this.decorate(this.doc, true);
                if (end.comment) {
                    const dc = this.doc.comment;
                    this.doc.comment = dc ? `${dc}\n${end.comment}` : end.comment;
                }
                this.doc.range[2] = end.offset;
                break;
            }
            default:
                this.errors.push(new errors.YAMLParseError(getErrorPos(token), 'UNEXPECTED_TOKEN', `Unsupported token ${token.type}`));
        }
    }
    /**
     * Call at end of input to yield any remaining document.
     *
     * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
     * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
     */
    *end(forceDoc = false, endOffset = -1) {
        if (this.doc) {
            this.decorate(this.doc, true);
            yield this.doc;
            this.doc = null;
        }
        else if (forceDoc) {
            const opts = Object.assign({ _directives: this.directives }, this.options);
            const doc = new Document.Document(undefined, opts);
            if (this.atDirectives)
                this.onError(endOffset, 'MISSING_CHAR', 'Missing directives-end indicator line');
            doc.range = [0, endOffset, endOffset];
            this.decorate(doc, false);
            yield doc;
        }
    }
}

exports.Composer = Composer;


/***/ }),

/***/ 7103:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Pair = __nccwpck_require__(7165);
var YAMLMap = __nccwpck_require__(4454);
var resolveProps = __nccwpck_require__(4631);
var utilContainsNewline = __nccwpck_require__(9499);
var utilFlowIndentCheck = __nccwpck_require__(4051);
var utilMapIncludes = __nccwpck_require__(1187);

const startColMsg = 'All mapping items must start at the same column';
function resolveBlockMap({ composeNode, composeEmptyNode }, ctx, bm, onError, tag) {
    const NodeClass = tag?.nodeClass ?? YAMLMap.YAMLMap;
    const map = new NodeClass(ctx.schema);
    if (ctx.atRoot)
        ctx.atRoot = false;
    let offset = bm.offset;
    let commentEnd = null;
    for (const collItem of bm.items) {
        const { start, key, sep, value } = collItem;
        // key properties
        const keyProps = resolveProps.resolveProps(start, {
            indicator: 'explicit-key-ind',
            next: key ?? sep?.[0],
            offset,
            onError,
            parentIndent: bm.indent,
            startOnNewline: true
        });
        const implicitKey = !keyProps.found;
        if (implicitKey) {
            if (key) {
                if (key.type === 'block-seq')
                    onError(offset, 'BLOCK_AS_IMPLICIT_KEY', 'A block sequence may not be used as an implicit map key');
                else if ('indent' in key && key.indent !== bm.indent)
                    onError(offset, 'BAD_INDENT', startColMsg);
            }
            if (!keyProps.anchor && !keyProps.tag && !sep) {
                commentEnd = keyProps.end;
                if (keyProps.comment) {
                    if (map.comment)
                        map.comment += '\n' + keyProps.comment;
                    else
                        map.comment = keyProps.comment;
                }
                continue;
            }
            if (keyProps.newlineAfterProp || utilContainsNewline.containsNewline(key)) {
                onError(key ?? start[start.length - 1], 'MULTILINE_IMPLICIT_KEY', 'Implicit keys need to be on a single line');
            }
        }
        else if (keyProps.found?.indent !== bm.indent) {
            onError(offset, 'BAD_INDENT', startColMsg);
        }
        // key value
        ctx.atKey = true;
        const keyStart = keyProps.end;
        const keyNode = key
            ? composeNode(ctx, key, keyProps, onError)
            : composeEmptyNode(ctx, keyStart, start, null, keyProps, onError);
        if (ctx.schema.compat)
            utilFlowIndentCheck.flowIndentCheck(bm.indent, key, onError);
        ctx.atKey = false;
        if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
            onError(keyStart, 'DUPLICATE_KEY', 'Map keys must be unique');
        // value properties
        const valueProps = resolveProps.resolveProps(sep ?? [], {
            indicator: 'map-value-ind',
            next: value,
            offset: keyNode.range[2],
            onError,
            parentIndent: bm.indent,
            startOnNewline: !key || key.type === 'block-scalar'
        });
        offset = valueProps.end;
        if (valueProps.found) {
            if (implicitKey) {
                if (value?.type === 'block-map' && !valueProps.hasNewline)
                    onError(offset, 'BLOCK_AS_IMPLICIT_KEY', 'Nested mappings are not allowed in compact mappings');
                if (ctx.options.strict &&
                    keyProps.start < valueProps.found.offset - 1024)
                    onError(keyNode.range, 'KEY_OVER_1024_CHARS', 'The : indicator must be at most 1024 chars after the start of an implicit block mapping key');
            }
            // value value
            const valueNode = value
                ? composeNode(ctx, value, valueProps, onError)
                : composeEmptyNode(ctx, offset, sep, null, valueProps, onError);
            if (ctx.schema.compat)
                utilFlowIndentCheck.flowIndentCheck(bm.indent, value, onError);
            offset = valueNode.range[2];
            const pair = new Pair.Pair(keyNode, valueNode);
            if (ctx.options.keepSourceTokens)
                pair.srcToken = collItem;
            map.items.push(pair);
        }
        else {
            // key with no value
            if (implicitKey)
                onError(keyNode.range, 'MISSING_CHAR', 'Implicit map keys need to be followed by map values');
            if (valueProps.comment) {
                if (keyNode.comment)
                    keyNode.comment += '\n' + valueProps.comment;
                else
                    keyNode.comment = valueProps.comment;
            }
            const pair = new Pair.Pair(keyNode);
            if (ctx.options.keepSourceTokens)
                pair.srcToken = collItem;
            map.items.push(pair);
        }
    }
    if (commentEnd && commentEnd < offset)
        onError(commentEnd, 'IMPOSSIBLE', 'Map comment with trailing content');
    map.range = [bm.offset, offset, commentEnd ?? offset];
    return map;
}

exports.resolveBlockMap = resolveBlockMap;


/***/ }),

/***/ 8913:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

function resolveBlockScalar(ctx, scalar, onError) {
    const start = scalar.offset;
    const header = parseBlockScalarHeader(scalar, ctx.options.strict, onError);
    if (!header)
        return { value: '', type: null, comment: '', range: [start, start, start] };
    const type = header.mode === '>' ? Scalar.Scalar.BLOCK_FOLDED : Scalar.Scalar.BLOCK_LITERAL;
    const lines = scalar.source ? splitLines(scalar.source) : [];
    // determine the end of content & start of chomping
    let chompStart = lines.length;
    for (let i = lines.length - 1; i >= 0; --i) {
        const content = lines[i][1];
        if (content === '' || content === '\r')
            chompStart = i;
        else
            break;
    }
    // shortcut for empty contents
    if (chompStart === 0) {
        const value = header.chomp === '+' && lines.length > 0
            ? '\n'.repeat(Math.max(1, lines.length - 1))
            : '';
        let end = start + header.length;
        if (scalar.source)
            end += scalar.source.length;
        return { value, type, comment: header.comment, range: [start, end, end] };
    }
    // find the indentation level to trim from start
    let trimIndent = scalar.indent + header.indent;
    let offset = scalar.offset + header.length;
    let contentStart = 0;
    for (let i = 0; i < chompStart; ++i) {
        const [indent, content] = lines[i];
        if (content === '' || content === '\r') {
            if (header.indent === 0 && indent.length > trimIndent)
                trimIndent = indent.length;
        }
        else {
            if (indent.length < trimIndent) {
                const message = 'Block scalars with more-indented leading empty lines must use an explicit indentation indicator';
                onError(offset + indent.length, 'MISSING_CHAR', message);
            }
            if (header.indent === 0)
                trimIndent = indent.length;
            contentStart = i;
            if (trimIndent === 0 && !ctx.atRoot) {
                const message = 'Block scalar values in collections must be indented';
                onError(offset, 'BAD_INDENT', message);
            }
            break;
        }
        offset += indent.length + content.length + 1;
    }
    // include trailing more-indented empty lines in content
    for (let i = lines.length - 1; i >= chompStart; --i) {
        if (lines[i][0].length > trimIndent)
            chompStart = i + 1;
    }
    let value = '';
    let sep = '';
    let prevMoreIndented = false;
    // leading whitespace is kept intact
    for (let i = 0; i < contentStart; ++i)
        value += lines[i][0].slice(trimIndent) + '\n';
    for (let i = contentStart; i < chompStart; ++i) {
        let [indent, content] = lines[i];
        offset += indent.length + content.length + 1;
        const crlf = content[content.length - 1] === '\r';
        if (crlf)
            content = content.slice(0, -1);
        /* istanbul ignore if already caught in lexer */
        if (content && indent.length < trimIndent) {
            const src = header.indent
                ? 'explicit indentation indicator'
                : 'first line';
            const message = `Block scalar lines must not be less indented than their ${src}`;
            onError(offset - content.length - (crlf ? 2 : 1), 'BAD_INDENT', message);
            indent = '';
        }
        if (type === Scalar.Scalar.BLOCK_LITERAL) {
            value += sep + indent.slice(trimIndent) + content;
            sep = '\n';
        }
        else if (indent.length > trimIndent || content[0] === '\t') {
            // more-indented content within a folded block
            if (sep === ' ')
                sep = '\n';
            else if (!prevMoreIndented && sep === '\n')
                sep = '\n\n';
            value += sep + indent.slice(trimIndent) + content;
            sep = '\n';
            prevMoreIndented = true;
        }
        else if (content === '') {
            // empty line
            if (sep === '\n')
                value += '\n';
            else
                sep = '\n';
        }
        else {
            value += sep + content;
            sep = ' ';
            prevMoreIndented = false;
        }
    }
    switch (header.chomp) {
        case '-':
            break;
        case '+':
            for (let i = chompStart; i < lines.length; ++i)
                value += '\n' + lines[i][0].slice(trimIndent);
            if (value[value.length - 1] !== '\n')
                value += '\n';
            break;
        default:
            value += '\n';
    }
    const end = start + header.length + scalar.source.length;
    return { value, type, comment: header.comment, range: [start, end, end] };
}
function parseBlockScalarHeader({ offset, props }, strict, onError) {
    /* istanbul ignore if should not happen */
    if (props[0].type !== 'block-scalar-header') {
        onError(props[0], 'IMPOSSIBLE', 'Block scalar header not found');
        return null;
    }
    const { source } = props[0];
    const mode = source[0];
    let indent = 0;
    let chomp = '';
    let error = -1;
    for (let i = 1; i < source.length; ++i) {
        const ch = source[i];
        if (!chomp && (ch === '-' || ch === '+'))
            chomp = ch;
        else {
            const n = Number(ch);
            if (!indent && n)
                indent = n;
            else if (error === -1)
                error = offset + i;
        }
    }
    if (error !== -1)
        onError(error, 'UNEXPECTED_TOKEN', `Block scalar header includes extra characters: ${source}`);
    let hasSpace = false;
    let comment = '';
    let length = source.length;
    for (let i = 1; i < props.length; ++i) {
        const token = props[i];
        switch (token.type) {
            case 'space':
                hasSpace = true;
            // fallthrough
            case 'newline':
                length += token.source.length;
                break;
            case 'comment':
                if (strict && !hasSpace) {
                    const message = 'Comments must be separated from other tokens by white space characters';
                    onError(token, 'MISSING_CHAR', message);
                }
                length += token.source.length;
                comment = token.source.substring(1);
                break;
            case 'error':
                onError(token, 'UNEXPECTED_TOKEN', token.message);
                length += token.source.length;
                break;
            /* istanbul ignore next should not happen */
            default: {
                const message = `Unexpected token in block scalar header: ${token.type}`;
                onError(token, 'UNEXPECTED_TOKEN', message);
                const ts = token.source;
                if (ts && typeof ts === 'string')
                    length += ts.length;
            }
        }
    }
    return { mode, indent, chomp, comment, length };
}
/** @returns Array of lines split up as `[indent, content]` */
function splitLines(source) {
    const split = source.split(/\n( *)/);
    const first = split[0];
    const m = first.match(/^( *)/);
    const line0 = m?.[1]
        ? [m[1], first.slice(m[1].length)]
        : ['', first];
    const lines = [line0];
    for (let i = 1; i < split.length; i += 2)
        lines.push([split[i], split[i + 1]]);
    return lines;
}

exports.resolveBlockScalar = resolveBlockScalar;


/***/ }),

/***/ 334:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var YAMLSeq = __nccwpck_require__(2223);
var resolveProps = __nccwpck_require__(4631);
var utilFlowIndentCheck = __nccwpck_require__(4051);

function resolveBlockSeq({ composeNode, composeEmptyNode }, ctx, bs, onError, tag) {
    const NodeClass = tag?.nodeClass ?? YAMLSeq.YAMLSeq;
    const seq = new NodeClass(ctx.schema);
    if (ctx.atRoot)
        ctx.atRoot = false;
    if (ctx.atKey)
        ctx.atKey = false;
    let offset = bs.offset;
    let commentEnd = null;
    for (const { start, value } of bs.items) {
        const props = resolveProps.resolveProps(start, {
            indicator: 'seq-item-ind',
            next: value,
            offset,
            onError,
            parentIndent: bs.indent,
            startOnNewline: true
        });
        if (!props.found) {
            if (props.anchor || props.tag || value) {
                if (value?.type === 'block-seq')
                    onError(props.end, 'BAD_INDENT', 'All sequence items must start at the same column');
                else
                    onError(offset, 'MISSING_CHAR', 'Sequence item without - indicator');
            }
            else {
                commentEnd = props.end;
                if (props.comment)
                    seq.comment = props.comment;
                continue;
            }
        }
        const node = value
            ? composeNode(ctx, value, props, onError)
            : composeEmptyNode(ctx, props.end, start, null, props, onError);
        if (ctx.schema.compat)
            utilFlowIndentCheck.flowIndentCheck(bs.indent, value, onError);
        offset = node.range[2];
        seq.items.push(node);
    }
    seq.range = [bs.offset, offset, commentEnd ?? offset];
    return seq;
}

exports.resolveBlockSeq = resolveBlockSeq;


/***/ }),

/***/ 7788:
/***/ ((__unused_webpack_module, exports) => {



function resolveEnd(end, offset, reqSpace, onError) {
    let comment = '';
    if (end) {
        let hasSpace = false;
        let sep = '';
        for (const token of end) {
            const { source, type } = token;
            switch (type) {
                case 'space':
                    hasSpace = true;
                    break;
                case 'comment': {
                    if (reqSpace && !hasSpace)
                        onError(token, 'MISSING_CHAR', 'Comments must be separated from other tokens by white space characters');
                    const cb = source.substring(1) || ' ';
                    if (!comment)
                        comment = cb;
                    else
                        comment += sep + cb;
                    sep = '';
                    break;
                }
                case 'newline':
                    if (comment)
                        sep += source;
                    hasSpace = true;
                    break;
                default:
                    onError(token, 'UNEXPECTED_TOKEN', `Unexpected ${type} at node end`);
            }
            offset += source.length;
        }
    }
    return { comment, offset };
}

exports.resolveEnd = resolveEnd;


/***/ }),

/***/ 3142:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var resolveEnd = __nccwpck_require__(7788);
var resolveProps = __nccwpck_require__(4631);
var utilContainsNewline = __nccwpck_require__(9499);
var utilMapIncludes = __nccwpck_require__(1187);

const blockMsg = 'Block collections are not allowed within flow collections';
const isBlock = (token) => token && (token.type === 'block-map' || token.type === 'block-seq');
function resolveFlowCollection({ composeNode, composeEmptyNode }, ctx, fc, onError, tag) {
    const isMap = fc.start.source === '{';
    const fcName = isMap ? 'flow map' : 'flow sequence';
    const NodeClass = (tag?.nodeClass ?? (isMap ? YAMLMap.YAMLMap : YAMLSeq.YAMLSeq));
    const coll = new NodeClass(ctx.schema);
    coll.flow = true;
    const atRoot = ctx.atRoot;
    if (atRoot)
        ctx.atRoot = false;
    if (ctx.atKey)
        ctx.atKey = false;
    let offset = fc.offset + fc.start.source.length;
    for (let i = 0; i < fc.items.length; ++i) {
        const collItem = fc.items[i];
        const { start, key, sep, value } = collItem;
        const props = resolveProps.resolveProps(start, {
            flow: fcName,
            indicator: 'explicit-key-ind',
            next: key ?? sep?.[0],
            offset,
            onError,
            parentIndent: fc.indent,
            startOnNewline: false
        });
        if (!props.found) {
            if (!props.anchor && !props.tag && !sep && !value) {
                if (i === 0 && props.comma)
                    onError(props.comma, 'UNEXPECTED_TOKEN', `Unexpected , in ${fcName}`);
                else if (i < fc.items.length - 1)
                    onError(props.start, 'UNEXPECTED_TOKEN', `Unexpected empty item in ${fcName}`);
                if (props.comment) {
                    if (coll.comment)
                        coll.comment += '\n' + props.comment;
                    else
                        coll.comment = props.comment;
                }
                offset = props.end;
                continue;
            }
            if (!isMap && ctx.options.strict && utilContainsNewline.containsNewline(key))
                onError(key, // checked by containsNewline()
                'MULTILINE_IMPLICIT_KEY', 'Implicit keys of flow sequence pairs need to be on a single line');
        }
        if (i === 0) {
            if (props.comma)
                onError(props.comma, 'UNEXPECTED_TOKEN', `Unexpected , in ${fcName}`);
        }
        else {
            if (!props.comma)
                onError(props.start, 'MISSING_CHAR', `Missing , between ${fcName} items`);
            if (props.comment) {
                let prevItemComment = '';
                loop: for (const st of start) {
                    switch (st.type) {
                        case 'comma':
                        case 'space':
                            break;
                        case 'comment':
                            prevItemComment = st.source.substring(1);
                            break loop;
                        default:
                            break loop;
                    }
                }
                if (prevItemComment) {
                    let prev = coll.items[coll.items.length - 1];
                    if (identity.isPair(prev))
                        prev = prev.value ?? prev.key;
                    if (prev.comment)
                        prev.comment += '\n' + prevItemComment;
                    else
                        prev.comment = prevItemComment;
                    props.comment = props.comment.substring(prevItemComment.length + 1);
                }
            }
        }
        if (!isMap && !sep && !props.found) {
            // item is a value in a seq
            // → key & sep are empty, start does not include ? or :
            const valueNode = value
                ? composeNode(ctx, value, props, onError)
                : composeEmptyNode(ctx, props.end, sep, null, props, onError);
            coll.items.push(valueNode);
            offset = valueNode.range[2];
            if (isBlock(value))
                onError(valueNode.range, 'BLOCK_IN_FLOW', blockMsg);
        }
        else {
            // item is a key+value pair
            // key value
            ctx.atKey = true;
            const keyStart = props.end;
            const keyNode = key
                ? composeNode(ctx, key, props, onError)
                : composeEmptyNode(ctx, keyStart, start, null, props, onError);
            if (isBlock(key))
                onError(keyNode.range, 'BLOCK_IN_FLOW', blockMsg);
            ctx.atKey = false;
            // value properties
            const valueProps = resolveProps.resolveProps(sep ?? [], {
                flow: fcName,
                indicator: 'map-value-ind',
                next: value,
                offset: keyNode.range[2],
                onError,
                parentIndent: fc.indent,
                startOnNewline: false
            });
            if (valueProps.found) {
                if (!isMap && !props.found && ctx.options.strict) {
                    if (sep)
                        for (const st of sep) {
                            if (st === valueProps.found)
                                break;
                            if (st.type === 'newline') {
                                onError(st, 'MULTILINE_IMPLICIT_KEY', 'Implicit keys of flow sequence pairs need to be on a single line');
                                break;
                            }
                        }
                    if (props.start < valueProps.found.offset - 1024)
                        onError(valueProps.found, 'KEY_OVER_1024_CHARS', 'The : indicator must be at most 1024 chars after the start of an implicit flow sequence key');
                }
            }
            else if (value) {
                if ('source' in value && value.source?.[0] === ':')
                    onError(value, 'MISSING_CHAR', `Missing space after : in ${fcName}`);
                else
                    onError(valueProps.start, 'MISSING_CHAR', `Missing , or : between ${fcName} items`);
            }
            // value value
            const valueNode = value
                ? composeNode(ctx, value, valueProps, onError)
                : valueProps.found
                    ? composeEmptyNode(ctx, valueProps.end, sep, null, valueProps, onError)
                    : null;
            if (valueNode) {
                if (isBlock(value))
                    onError(valueNode.range, 'BLOCK_IN_FLOW', blockMsg);
            }
            else if (valueProps.comment) {
                if (keyNode.comment)
                    keyNode.comment += '\n' + valueProps.comment;
                else
                    keyNode.comment = valueProps.comment;
            }
            const pair = new Pair.Pair(keyNode, valueNode);
            if (ctx.options.keepSourceTokens)
                pair.srcToken = collItem;
            if (isMap) {
                const map = coll;
                if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
                    onError(keyStart, 'DUPLICATE_KEY', 'Map keys must be unique');
                map.items.push(pair);
            }
            else {
                const map = new YAMLMap.YAMLMap(ctx.schema);
                map.flow = true;
                map.items.push(pair);
                const endRange = (valueNode ?? keyNode).range;
                map.range = [keyNode.range[0], endRange[1], endRange[2]];
                coll.items.push(map);
            }
            offset = valueNode ? valueNode.range[2] : valueProps.end;
        }
    }
    const expectedEnd = isMap ? '}' : ']';
    const [ce, ...ee] = fc.end;
    let cePos = offset;
    if (ce?.source === expectedEnd)
        cePos = ce.offset + ce.source.length;
    else {
        const name = fcName[0].toUpperCase() + fcName.substring(1);
        const msg = atRoot
            ? `${name} must end with a ${expectedEnd}`
            : `${name} in block collection must be sufficiently indented and end with a ${expectedEnd}`;
        onError(offset, atRoot ? 'MISSING_CHAR' : 'BAD_INDENT', msg);
        if (ce && ce.source.length !== 1)
            ee.unshift(ce);
    }
    if (ee.length > 0) {
        const end = resolveEnd.resolveEnd(ee, cePos, ctx.options.strict, onError);
        if (end.comment) {
            if (coll.comment)
                coll.comment += '\n' + end.comment;
            else
                coll.comment = end.comment;
        }
        coll.range = [fc.offset, cePos, end.offset];
    }
    else {
        coll.range = [fc.offset, cePos, cePos];
    }
    return coll;
}

exports.resolveFlowCollection = resolveFlowCollection;


/***/ }),

/***/ 6842:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var resolveEnd = __nccwpck_require__(7788);

function resolveFlowScalar(scalar, strict, onError) {
    const { offset, type, source, end } = scalar;
    let _type;
    let value;
    const _onError = (rel, code, msg) => onError(offset + rel, code, msg);
    switch (type) {
        case 'scalar':
            _type = Scalar.Scalar.PLAIN;
            value = plainValue(source, _onError);
            break;
        case 'single-quoted-scalar':
            _type = Scalar.Scalar.QUOTE_SINGLE;
            value = singleQuotedValue(source, _onError);
            break;
        case 'double-quoted-scalar':
            _type = Scalar.Scalar.QUOTE_DOUBLE;
            value = doubleQuotedValue(source, _onError);
            break;
        /* istanbul ignore next should not happen */
        default:
            onError(scalar, 'UNEXPECTED_TOKEN', `Expected a flow scalar value, but found: ${type}`);
            return {
                value: '',
                type: null,
                comment: '',
                range: [offset, offset + source.length, offset + source.length]
            };
    }
    const valueEnd = offset + source.length;
    const re = resolveEnd.resolveEnd(end, valueEnd, strict, onError);
    return {
        value,
        type: _type,
        comment: re.comment,
        range: [offset, valueEnd, re.offset]
    };
}
function plainValue(source, onError) {
    let badChar = '';
    switch (source[0]) {
        /* istanbul ignore next should not happen */
        case '\t':
            badChar = 'a tab character';
            break;
        case ',':
            badChar = 'flow indicator character ,';
            break;
        case '%':
            badChar = 'directive indicator character %';
            break;
        case '|':
        case '>': {
            badChar = `block scalar indicator ${source[0]}`;
            break;
        }
        case '@':
        case '`': {
            badChar = `reserved character ${source[0]}`;
            break;
        }
    }
    if (badChar)
        onError(0, 'BAD_SCALAR_START', `Plain value cannot start with ${badChar}`);
    return unfoldLines(source);
}
function singleQuotedValue(source, onError) {
    if (source[source.length - 1] !== "'" || source.length === 1)
        onError(source.length, 'MISSING_CHAR', "Missing closing 'quote");
    return unfoldLines(source.slice(1, -1)).replace(/''/g, "'");
}
function unfoldLines(source) {
    const line = /(.*?)\r?\n/sy;
    let match = line.exec(source);
    if (!match)
        return source;
    /**
     * The negative lookbehinds in these RegExps are to
     * prevent causing a polynomial search time in certain cases.
     *
     * The try-catch is for Safari < 16.4 and other old browsers:
     * https://caniuse.com/js-regexp-lookbehind
     */
    let trimEnd, trimBoth;
    try {
        trimEnd = new RegExp('(?<![ \t])[ \t]+$');
        trimBoth = new RegExp('^[ \t]+|(?<![ \t])[ \t]+$', 'g');
    }
    catch {
        trimEnd = /[ \t]+$/;
        trimBoth = /^[ \t]+|[ \t]+$/g;
    }
    let res = match[1].replace(trimEnd, '');
    let sep = ' ';
    let pos = line.lastIndex;
    while ((match = line.exec(source))) {
        const lm = match[1].replace(trimBoth, '');
        if (lm === '') {
            if (sep === '\n')
                res += sep;
            else
                sep = '\n';
        }
        else {
            res += sep + lm;
            sep = ' ';
        }
        pos = line.lastIndex;
    }
    const last = /[ \t]*(.*)/sy;
    last.lastIndex = pos;
    match = last.exec(source);
    return res + sep + (match?.[1] ?? '');
}
function doubleQuotedValue(source, onError) {
    let res = '';
    for (let i = 1; i < source.length - 1; ++i) {
        const ch = source[i];
        if (ch === '\r' && source[i + 1] === '\n')
            continue;
        if (ch === '\n') {
            const { fold, offset } = foldNewline(source, i);
            res += fold;
            i = offset;
        }
        else if (ch === '\\') {
            let next = source[++i];
            const cc = escapeCodes[next];
            if (cc)
                res += cc;
            else if (next === '\n') {
                // skip escaped newlines, but still trim the following line
                next = source[i + 1];
                while (next === ' ' || next === '\t')
                    next = source[++i + 1];
            }
            else if (next === '\r' && source[i + 1] === '\n') {
                // skip escaped CRLF newlines, but still trim the following line
                next = source[++i + 1];
                while (next === ' ' || next === '\t')
                    next = source[++i + 1];
            }
            else if (next === 'x' || next === 'u' || next === 'U') {
                const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
                res += parseCharCode(source, i + 1, length, onError);
                i += length;
            }
            else {
                const raw = source.substr(i - 1, 2);
                onError(i - 1, 'BAD_DQ_ESCAPE', `Invalid escape sequence ${raw}`);
                res += raw;
            }
        }
        else if (ch === ' ' || ch === '\t') {
            // trim trailing whitespace
            const wsStart = i;
            let next = source[i + 1];
            while (next === ' ' || next === '\t')
                next = source[++i + 1];
            if (next !== '\n' && !(next === '\r' && source[i + 2] === '\n'))
                res += i > wsStart ? source.slice(wsStart, i + 1) : ch;
        }
        else {
            res += ch;
        }
    }
    if (source[source.length - 1] !== '"' || source.length === 1)
        onError(source.length, 'MISSING_CHAR', 'Missing closing "quote');
    return res;
}
/**
 * Fold a single newline into a space, multiple newlines to N - 1 newlines.
 * Presumes `source[offset] === '\n'`
 */
function foldNewline(source, offset) {
    let fold = '';
    let ch = source[offset + 1];
    while (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
        if (ch === '\r' && source[offset + 2] !== '\n')
            break;
        if (ch === '\n')
            fold += '\n';
        offset += 1;
        ch = source[offset + 1];
    }
    if (!fold)
        fold = ' ';
    return { fold, offset };
}
const escapeCodes = {
    '0': '\0', // null character
    a: '\x07', // bell character
    b: '\b', // backspace
    e: '\x1b', // escape character
    f: '\f', // form feed
    n: '\n', // line feed
    r: '\r', // carriage return
    t: '\t', // horizontal tab
    v: '\v', // vertical tab
    N: '\u0085', // Unicode next line
    _: '\u00a0', // Unicode non-breaking space
    L: '\u2028', // Unicode line separator
    P: '\u2029', // Unicode paragraph separator
    ' ': ' ',
    '"': '"',
    '/': '/',
    '\\': '\\',
    '\t': '\t'
};
function parseCharCode(source, offset, length, onError) {
    const cc = source.substr(offset, length);
    const ok = cc.length === length && /^[0-9a-fA-F]+$/.test(cc);
    const code = ok ? parseInt(cc, 16) : NaN;
    try {
        return String.fromCodePoint(code);
    }
    catch {
        const raw = source.substr(offset - 2, length + 2);
        onError(offset - 2, 'BAD_DQ_ESCAPE', `Invalid escape sequence ${raw}`);
        return raw;
    }
}

exports.resolveFlowScalar = resolveFlowScalar;


/***/ }),

/***/ 4631:
/***/ ((__unused_webpack_module, exports) => {



function resolveProps(tokens, { flow, indicator, next, offset, onError, parentIndent, startOnNewline }) {
    let spaceBefore = false;
    let atNewline = startOnNewline;
    let hasSpace = startOnNewline;
    let comment = '';
    let commentSep = '';
    let hasNewline = false;
    let reqSpace = false;
    let tab = null;
    let anchor = null;
    let tag = null;
    let newlineAfterProp = null;
    let comma = null;
    let found = null;
    let start = null;
    for (const token of tokens) {
        if (reqSpace) {
            if (token.type !== 'space' &&
                token.type !== 'newline' &&
                token.type !== 'comma')
                onError(token.offset, 'MISSING_CHAR', 'Tags and anchors must be separated from the next token by white space');
            reqSpace = false;
        }
        if (tab) {
            if (atNewline && token.type !== 'comment' && token.type !== 'newline') {
                onError(tab, 'TAB_AS_INDENT', 'Tabs are not allowed as indentation');
            }
            tab = null;
        }
        switch (token.type) {
            case 'space':
                // At the doc level, tabs at line start may be parsed
                // as leading white space rather than indentation.
                // In a flow collection, only the parser handles indent.
                if (!flow &&
                    (indicator !== 'doc-start' || next?.type !== 'flow-collection') &&
                    token.source.includes('\t')) {
                    tab = token;
                }
                hasSpace = true;
                break;
            case 'comment': {
                if (!hasSpace)
                    onError(token, 'MISSING_CHAR', 'Comments must be separated from other tokens by white space characters');
                const cb = token.source.substring(1) || ' ';
                if (!comment)
                    comment = cb;
                else
                    comment += commentSep + cb;
                commentSep = '';
                atNewline = false;
                break;
            }
            case 'newline':
                if (atNewline) {
                    if (comment)
                        comment += token.source;
                    else if (!found || indicator !== 'seq-item-ind')
                        spaceBefore = true;
                }
                else
                    commentSep += token.source;
                atNewline = true;
                hasNewline = true;
                if (anchor || tag)
                    newlineAfterProp = token;
                hasSpace = true;
                break;
            case 'anchor':
                if (anchor)
                    onError(token, 'MULTIPLE_ANCHORS', 'A node can have at most one anchor');
                if (token.source.endsWith(':'))
                    onError(token.offset + token.source.length - 1, 'BAD_ALIAS', 'Anchor ending in : is ambiguous', true);
                anchor = token;
                start ?? (start = token.offset);
                atNewline = false;
                hasSpace = false;
                reqSpace = true;
                break;
            case 'tag': {
                if (tag)
                    onError(token, 'MULTIPLE_TAGS', 'A node can have at most one tag');
                tag = token;
                start ?? (start = token.offset);
                atNewline = false;
                hasSpace = false;
                reqSpace = true;
                break;
            }
            case indicator:
                // Could here handle preceding comments differently
                if (anchor || tag)
                    onError(token, 'BAD_PROP_ORDER', `Anchors and tags must be after the ${token.source} indicator`);
                if (found)
                    onError(token, 'UNEXPECTED_TOKEN', `Unexpected ${token.source} in ${flow ?? 'collection'}`);
                found = token;
                atNewline =
                    indicator === 'seq-item-ind' || indicator === 'explicit-key-ind';
                hasSpace = false;
                break;
            case 'comma':
                if (flow) {
                    if (comma)
                        onError(token, 'UNEXPECTED_TOKEN', `Unexpected , in ${flow}`);
                    comma = token;
                    atNewline = false;
                    hasSpace = false;
                    break;
                }
            // else fallthrough
            default:
                onError(token, 'UNEXPECTED_TOKEN', `Unexpected ${token.type} token`);
                atNewline = false;
                hasSpace = false;
        }
    }
    const last = tokens[tokens.length - 1];
    const end = last ? last.offset + last.source.length : offset;
    if (reqSpace &&
        next &&
        next.type !== 'space' &&
        next.type !== 'newline' &&
        next.type !== 'comma' &&
        (next.type !== 'scalar' || next.source !== '')) {
        onError(next.offset, 'MISSING_CHAR', 'Tags and anchors must be separated from the next token by white space');
    }
    if (tab &&
        ((atNewline && tab.indent <= parentIndent) ||
            next?.type === 'block-map' ||
            next?.type === 'block-seq'))
        onError(tab, 'TAB_AS_INDENT', 'Tabs are not allowed as indentation');
    return {
        comma,
        found,
        spaceBefore,
        comment,
        hasNewline,
        anchor,
        tag,
        newlineAfterProp,
        end,
        start: start ?? end
    };
}

exports.resolveProps = resolveProps;


/***/ }),

/***/ 9499:
/***/ ((__unused_webpack_module, exports) => {



function containsNewline(key) {
    if (!key)
        return null;
    switch (key.type) {
        case 'alias':
        case 'scalar':
        case 'double-quoted-scalar':
        case 'single-quoted-scalar':
            if (key.source.includes('\n'))
                return true;
            if (key.end)
                for (const st of key.end)
                    if (st.type === 'newline')
                        return true;
            return false;
        case 'flow-collection':
            for (const it of key.items) {
                for (const st of it.start)
                    if (st.type === 'newline')
                        return true;
                if (it.sep)
                    for (const st of it.sep)
                        if (st.type === 'newline')
                            return true;
                if (containsNewline(it.key) || containsNewline(it.value))
                    return true;
            }
            return false;
        default:
            return true;
    }
}

exports.containsNewline = containsNewline;


/***/ }),

/***/ 2599:
/***/ ((__unused_webpack_module, exports) => {



function emptyScalarPosition(offset, before, pos) {
    if (before) {
        pos ?? (pos = before.length);
        for (let i = pos - 1; i >= 0; --i) {
            let st = before[i];
            switch (st.type) {
                case 'space':
                case 'comment':
                case 'newline':
                    offset -= st.source.length;
                    continue;
            }
            // Technically, an empty scalar is immediately after the last non-empty
            // node, but it's more useful to place it after any whitespace.
            st = before[++i];
            while (st?.type === 'space') {
                offset += st.source.length;
                st = before[++i];
            }
            break;
        }
    }
    return offset;
}

exports.emptyScalarPosition = emptyScalarPosition;


/***/ }),

/***/ 4051:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var utilContainsNewline = __nccwpck_require__(9499);

function flowIndentCheck(indent, fc, onError) {
    if (fc?.type === 'flow-collection') {
        const end = fc.end[0];
        if (end.indent === indent &&
            (end.source === ']' || end.source === '}') &&
            utilContainsNewline.containsNewline(fc)) {
            const msg = 'Flow end indicator should be more indented than parent';
            onError(end, 'BAD_INDENT', msg, true);
        }
    }
}

exports.flowIndentCheck = flowIndentCheck;


/***/ }),

/***/ 1187:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);

function mapIncludes(ctx, items, search) {
    const { uniqueKeys } = ctx.options;
    if (uniqueKeys === false)
        return false;
    const isEqual = typeof uniqueKeys === 'function'
        ? uniqueKeys
        : (a, b) => a === b || (identity.isScalar(a) && identity.isScalar(b) && a.value === b.value);
    return items.some(pair => isEqual(pair.key, search));
}

exports.mapIncludes = mapIncludes;


/***/ }),

/***/ 3021:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Alias = __nccwpck_require__(4065);
var Collection = __nccwpck_require__(101);
var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var toJS = __nccwpck_require__(4043);
var Schema = __nccwpck_require__(5840);
var stringifyDocument = __nccwpck_require__(6829);
var anchors = __nccwpck_require__(1596);
var applyReviver = __nccwpck_require__(3661);
var createNode = __nccwpck_require__(2404);
var directives = __nccwpck_require__(1342);

class Document {
    constructor(value, replacer, options) {
        /** A comment before this Document */
        this.commentBefore = null;
        /** A comment immediately after this Document */
        this.comment = null;
        /** Errors encountered during parsing. */
        this.errors = [];
        /** Warnings encountered during parsing. */
        this.warnings = [];
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.DOC });
        let _replacer = null;
        if (typeof replacer === 'function' || Array.isArray(replacer)) {
            _replacer = replacer;
        }
        else if (options === undefined && replacer) {
            options = replacer;
            replacer = undefined;
        }
        const opt = Object.assign({
            intAsBigInt: false,
            keepSourceTokens: false,
            logLevel: 'warn',
            prettyErrors: true,
            strict: true,
            stringKeys: false,
            uniqueKeys: true,
            version: '1.2'
        }, options);
        this.options = opt;
        let { version } = opt;
        if (options?._directives) {
            this.directives = options._directives.atDocument();
            if (this.directives.yaml.explicit)
                version = this.directives.yaml.version;
        }
        else
            this.directives = new directives.Directives({ version });
        this.setSchema(version, options);
        // @ts-expect-error We can't really know that this matches Contents.
        this.contents =
            value === undefined ? null : this.createNode(value, _replacer, options);
    }
    /**
     * Create a deep copy of this Document and its contents.
     *
     * Custom Node values that inherit from `Object` still refer to their original instances.
     */
    clone() {
        const copy = Object.create(Document.prototype, {
            [identity.NODE_TYPE]: { value: identity.DOC }
        });
        copy.commentBefore = this.commentBefore;
        copy.comment = this.comment;
        copy.errors = this.errors.slice();
        copy.warnings = this.warnings.slice();
        copy.options = Object.assign({}, this.options);
        if (this.directives)
            copy.directives = this.directives.clone();
        copy.schema = this.schema.clone();
        // @ts-expect-error We can't really know that this matches Contents.
        copy.contents = identity.isNode(this.contents)
            ? this.contents.clone(copy.schema)
            : this.contents;
        if (this.range)
            copy.range = this.range.slice();
        return copy;
    }
    /** Adds a value to the document. */
    add(value) {
        if (assertCollection(this.contents))
            this.contents.add(value);
    }
    /** Adds a value to the document. */
    addIn(path, value) {
        if (assertCollection(this.contents))
            this.contents.addIn(path, value);
    }
    /**
     * Create a new `Alias` node, ensuring that the target `node` has the required anchor.
     *
     * If `node` already has an anchor, `name` is ignored.
     * Otherwise, the `node.anchor` value will be set to `name`,
     * or if an anchor with that name is already present in the document,
     * `name` will be used as a prefix for a new unique anchor.
     * If `name` is undefined, the generated anchor will use 'a' as a prefix.
     */
    createAlias(node, name) {
        if (!node.anchor) {
            const prev = anchors.anchorNames(this);
            node.anchor =
                // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
                !name || prev.has(name) ? anchors.findNewAnchor(name || 'a', prev) : name;
        }
        return new Alias.Alias(node.anchor);
    }
    createNode(value, replacer, options) {
        let _replacer = undefined;
        if (typeof replacer === 'function') {
            value = replacer.call({ '': value }, '', value);
            _replacer = replacer;
        }
        else if (Array.isArray(replacer)) {
            const keyToStr = (v) => typeof v === 'number' || v instanceof String || v instanceof Number;
            const asStr = replacer.filter(keyToStr).map(String);
            if (asStr.length > 0)
                replacer = replacer.concat(asStr);
            _replacer = replacer;
        }
        else if (options === undefined && replacer) {
            options = replacer;
            replacer = undefined;
        }
        const { aliasDuplicateObjects, anchorPrefix, flow, keepUndefined, onTagObj, tag } = options ?? {};
        const { onAnchor, setAnchors, sourceObjects } = anchors.createNodeAnchors(this, 
        // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
        anchorPrefix || 'a');
        const ctx = {
            aliasDuplicateObjects: aliasDuplicateObjects ?? true,
            keepUndefined: keepUndefined ?? false,
            onAnchor,
            onTagObj,
            replacer: _replacer,
            schema: this.schema,
            sourceObjects
        };
        const node = createNode.createNode(value, tag, ctx);
        if (flow && identity.isCollection(node))
            node.flow = true;
        setAnchors();
        return node;
    }
    /**
     * Convert a key and a value into a `Pair` using the current schema,
     * recursively wrapping all values as `Scalar` or `Collection` nodes.
     */
    createPair(key, value, options = {}) {
        const k = this.createNode(key, null, options);
        const v = this.createNode(value, null, options);
        return new Pair.Pair(k, v);
    }
    /**
     * Removes a value from the document.
     * @returns `true` if the item was found and removed.
     */
    delete(key) {
        return assertCollection(this.contents) ? this.contents.delete(key) : false;
    }
    /**
     * Removes a value from the document.
     * @returns `true` if the item was found and removed.
     */
    deleteIn(path) {
        if (Collection.isEmptyPath(path)) {
            if (this.contents == null)
                return false;
            // @ts-expect-error Presumed impossible if Strict extends false
            this.contents = null;
            return true;
        }
        return assertCollection(this.contents)
            ? this.contents.deleteIn(path)
            : false;
    }
    /**
     * Returns item at `key`, or `undefined` if not found. By default unwraps
     * scalar values from their surrounding node; to disable set `keepScalar` to
     * `true` (collections are always returned intact).
     */
    get(key, keepScalar) {
        return identity.isCollection(this.contents)
            ? this.contents.get(key, keepScalar)
            : undefined;
    }
    /**
     * Returns item at `path`, or `undefined` if not found. By default unwraps
     * scalar values from their surrounding node; to disable set `keepScalar` to
     * `true` (collections are always returned intact).
     */
    getIn(path, keepScalar) {
        if (Collection.isEmptyPath(path))
            return !keepScalar && identity.isScalar(this.contents)
                ? this.contents.value
                : this.contents;
        return identity.isCollection(this.contents)
            ? this.contents.getIn(path, keepScalar)
            : undefined;
    }
    /**
     * Checks if the document includes a value with the key `key`.
     */
    has(key) {
        return identity.isCollection(this.contents) ? this.contents.has(key) : false;
    }
    /**
     * Checks if the document includes a value at `path`.
     */
    hasIn(path) {
        if (Collection.isEmptyPath(path))
            return this.contents !== undefined;
        return identity.isCollection(this.contents) ? this.contents.hasIn(path) : false;
    }
    /**
     * Sets a value in this document. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     */
    set(key, value) {
        if (this.contents == null) {
            // @ts-expect-error We can't really know that this matches Contents.
            this.contents = Collection.collectionFromPath(this.schema, [key], value);
        }
        else if (assertCollection(this.contents)) {
            this.contents.set(key, value);
        }
    }
    /**
     * Sets a value in this document. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     */
    setIn(path, value) {
        if (Collection.isEmptyPath(path)) {
            // @ts-expect-error We can't really know that this matches Contents.
            this.contents = value;
        }
        else if (this.contents == null) {
            // @ts-expect-error We can't really know that this matches Contents.
            this.contents = Collection.collectionFromPath(this.schema, Array.from(path), value);
        }
        else if (assertCollection(this.contents)) {
            this.contents.setIn(path, value);
        }
    }
    /**
     * Change the YAML version and schema used by the document.
     * A `null` version disables support for directives, explicit tags, anchors, and aliases.
     * It also requires the `schema` option to be given as a `Schema` instance value.
     *
     * Overrides all previously set schema options.
     */
    setSchema(version, options = {}) {
        if (typeof version === 'number')
            version = String(version);
        let opt;
        switch (version) {
            case '1.1':
                if (this.directives)
                    this.directives.yaml.version = '1.1';
                else
                    this.directives = new directives.Directives({ version: '1.1' });
                opt = { resolveKnownTags: false, schema: 'yaml-1.1' };
                break;
            case '1.2':
            case 'next':
                if (this.directives)
                    this.directives.yaml.version = version;
                else
                    this.directives = new directives.Directives({ version });
                opt = { resolveKnownTags: true, schema: 'core' };
                break;
            case null:
                if (this.directives)
                    delete this.directives;
                opt = null;
                break;
            default: {
                const sv = JSON.stringify(version);
                throw new Error(`Expected '1.1', '1.2' or null as first argument, but found: ${sv}`);
            }
        }
        // Not using `instanceof Schema` to allow for duck typing
        if (options.schema instanceof Object)
            this.schema = options.schema;
        else if (opt)
            this.schema = new Schema.Schema(Object.assign(opt, options));
        else
            throw new Error(`With a null YAML version, the { schema: Schema } option is required`);
    }
    // json & jsonArg are only used from toJSON()
    toJS({ json, jsonArg, mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        const ctx = {
            anchors: new Map(),
            doc: this,
            keep: !json,
            mapAsMap: mapAsMap === true,
            mapKeyWarned: false,
            maxAliasCount: typeof maxAliasCount === 'number' ? maxAliasCount : 100
        };
        const res = toJS.toJS(this.contents, jsonArg ?? '', ctx);
        if (typeof onAnchor === 'function')
            for (const { count, res } of ctx.anchors.values())
                onAnchor(res, count);
        return typeof reviver === 'function'
            ? applyReviver.applyReviver(reviver, { '': res }, '', res)
            : res;
    }
    /**
     * A JSON representation of the document `contents`.
     *
     * @param jsonArg Used by `JSON.stringify` to indicate the array index or
     *   property name.
     */
    toJSON(jsonArg, onAnchor) {
        return this.toJS({ json: true, jsonArg, mapAsMap: false, onAnchor });
    }
    /** A YAML representation of the document. */
    toString(options = {}) {
        if (this.errors.length > 0)
            throw new Error('Document with errors cannot be stringified');
        if ('indent' in options &&
            (!Number.isInteger(options.indent) || Number(options.indent) <= 0)) {
            const s = JSON.stringify(options.indent);
            throw new Error(`"indent" option must be a positive integer, not ${s}`);
        }
        return stringifyDocument.stringifyDocument(this, options);
    }
}
function assertCollection(contents) {
    if (identity.isCollection(contents))
        return true;
    throw new Error('Expected a YAML collection as document contents');
}

exports.Document = Document;


/***/ }),

/***/ 1596:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var visit = __nccwpck_require__(204);

/**
 * Verify that the input string is a valid anchor.
 *
 * Will throw on errors.
 */
function anchorIsValid(anchor) {
    if (/[\x00-\x19\s,[\]{}]/.test(anchor)) {
        const sa = JSON.stringify(anchor);
        const msg = `Anchor must not contain whitespace or control characters: ${sa}`;
        throw new Error(msg);
    }
    return true;
}
function anchorNames(root) {
    const anchors = new Set();
    visit.visit(root, {
        Value(_key, node) {
            if (node.anchor)
                anchors.add(node.anchor);
        }
    });
    return anchors;
}
/** Find a new anchor name with the given `prefix` and a one-indexed suffix. */
function findNewAnchor(prefix, exclude) {
    for (let i = 1; true; ++i) {
        const name = `${prefix}${i}`;
        if (!exclude.has(name))
            return name;
    }
}
function createNodeAnchors(doc, prefix) {
    const aliasObjects = [];
    const sourceObjects = new Map();
    let prevAnchors = null;
    return {
        onAnchor: (source) => {
            aliasObjects.push(source);
            prevAnchors ?? (prevAnchors = anchorNames(doc));
            const anchor = findNewAnchor(prefix, prevAnchors);
            prevAnchors.add(anchor);
            return anchor;
        },
        /**
         * With circular references, the source node is only resolved after all
         * of its child nodes are. This is why anchors are set only after all of
         * the nodes have been created.
         */
        setAnchors: () => {
            for (const source of aliasObjects) {
                const ref = sourceObjects.get(source);
                if (typeof ref === 'object' &&
                    ref.anchor &&
                    (identity.isScalar(ref.node) || identity.isCollection(ref.node))) {
                    ref.node.anchor = ref.anchor;
                }
                else {
                    const error = new Error('Failed to resolve repeated object (this should not happen)');
                    error.source = source;
                    throw error;
                }
            }
        },
        sourceObjects
    };
}

exports.anchorIsValid = anchorIsValid;
exports.anchorNames = anchorNames;
exports.createNodeAnchors = createNodeAnchors;
exports.findNewAnchor = findNewAnchor;


/***/ }),

/***/ 3661:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Applies the JSON.parse reviver algorithm as defined in the ECMA-262 spec,
 * in section 24.5.1.1 "Runtime Semantics: InternalizeJSONProperty" of the
 * 2021 edition: https://tc39.es/ecma262/#sec-json.parse
 *
 * Includes extensions for handling Map and Set objects.
 */
function applyReviver(reviver, obj, key, val) {
    if (val && typeof val === 'object') {
        if (Array.isArray(val)) {
            for (let i = 0, len = val.length; i < len; ++i) {
                const v0 = val[i];
                const v1 = applyReviver(reviver, val, String(i), v0);
                // eslint-disable-next-line @typescript-eslint/no-array-delete
                if (v1 === undefined)
                    delete val[i];
                else if (v1 !== v0)
                    val[i] = v1;
            }
        }
        else if (val instanceof Map) {
            for (const k of Array.from(val.keys())) {
                const v0 = val.get(k);
                const v1 = applyReviver(reviver, val, k, v0);
                if (v1 === undefined)
                    val.delete(k);
                else if (v1 !== v0)
                    val.set(k, v1);
            }
        }
        else if (val instanceof Set) {
            for (const v0 of Array.from(val)) {
                const v1 = applyReviver(reviver, val, v0, v0);
                if (v1 === undefined)
                    val.delete(v0);
                else if (v1 !== v0) {
                    val.delete(v0);
                    val.add(v1);
                }
            }
        }
        else {
            for (const [k, v0] of Object.entries(val)) {
                const v1 = applyReviver(reviver, val, k, v0);
                if (v1 === undefined)
                    delete val[k];
                else if (v1 !== v0)
                    val[k] = v1;
            }
        }
    }
    return reviver.call(obj, key, val);
}

exports.applyReviver = applyReviver;


/***/ }),

/***/ 2404:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Alias = __nccwpck_require__(4065);
var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);

const defaultTagPrefix = 'tag:yaml.org,2002:';
function findTagObject(value, tagName, tags) {
    if (tagName) {
        const match = tags.filter(t => t.tag === tagName);
        const tagObj = match.find(t => !t.format) ?? match[0];
        if (!tagObj)
            throw new Error(`Tag ${tagName} not found`);
        return tagObj;
    }
    return tags.find(t => t.identify?.(value) && !t.format);
}
function createNode(value, tagName, ctx) {
    if (identity.isDocument(value))
        value = value.contents;
    if (identity.isNode(value))
        return value;
    if (identity.isPair(value)) {
        const map = ctx.schema[identity.MAP].createNode?.(ctx.schema, null, ctx);
        map.items.push(value);
        return map;
    }
    if (value instanceof String ||
        value instanceof Number ||
        value instanceof Boolean ||
        (typeof BigInt !== 'undefined' && value instanceof BigInt) // not supported everywhere
    ) {
        // https://tc39.es/ecma262/#sec-serializejsonproperty
        value = value.valueOf();
    }
    const { aliasDuplicateObjects, onAnchor, onTagObj, schema, sourceObjects } = ctx;
    // Detect duplicate references to the same object & use Alias nodes for all
    // after first. The `ref` wrapper allows for circular references to resolve.
    let ref = undefined;
    if (aliasDuplicateObjects && value && typeof value === 'object') {
        ref = sourceObjects.get(value);
        if (ref) {
            ref.anchor ?? (ref.anchor = onAnchor(value));
            return new Alias.Alias(ref.anchor);
        }
        else {
            ref = { anchor: null, node: null };
            sourceObjects.set(value, ref);
        }
    }
    if (tagName?.startsWith('!!'))
        tagName = defaultTagPrefix + tagName.slice(2);
    let tagObj = findTagObject(value, tagName, schema.tags);
    if (!tagObj) {
        if (value && typeof value.toJSON === 'function') {
            // eslint-disable-next-line @typescript-eslint/no-unsafe-call
            value = value.toJSON();
        }
        if (!value || typeof value !== 'object') {
            const node = new Scalar.Scalar(value);
            if (ref)
                ref.node = node;
            return node;
        }
        tagObj =
            value instanceof Map
                ? schema[identity.MAP]
                : Symbol.iterator in Object(value)
                    ? schema[identity.SEQ]
                    : schema[identity.MAP];
    }
    if (onTagObj) {
        onTagObj(tagObj);
        delete ctx.onTagObj;
    }
    const node = tagObj?.createNode
        ? tagObj.createNode(ctx.schema, value, ctx)
        : typeof tagObj?.nodeClass?.from === 'function'
            ? tagObj.nodeClass.from(ctx.schema, value, ctx)
            : new Scalar.Scalar(value);
    if (tagName)
        node.tag = tagName;
    else if (!tagObj.default)
        node.tag = tagObj.tag;
    if (ref)
        ref.node = node;
    return node;
}

exports.createNode = createNode;


/***/ }),

/***/ 1342:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var visit = __nccwpck_require__(204);

const escapeChars = {
    '!': '%21',
    ',': '%2C',
    '[': '%5B',
    ']': '%5D',
    '{': '%7B',
    '}': '%7D'
};
const escapeTagName = (tn) => tn.replace(/[!,[\]{}]/g, ch => escapeChars[ch]);
class Directives {
    constructor(yaml, tags) {
        /**
         * The directives-end/doc-start marker `---`. If `null`, a marker may still be
         * included in the document's stringified representation.
         */
        this.docStart = null;
        /** The doc-end marker `...`.  */
        this.docEnd = false;
        this.yaml = Object.assign({}, Directives.defaultYaml, yaml);
        this.tags = Object.assign({}, Directives.defaultTags, tags);
    }
    clone() {
        const copy = new Directives(this.yaml, this.tags);
        copy.docStart = this.docStart;
        return copy;
    }
    /**
     * During parsing, get a Directives instance for the current document and
     * update the stream state according to the current version's spec.
     */
    atDocument() {
        const res = new Directives(this.yaml, this.tags);
        switch (this.yaml.version) {
            case '1.1':
                this.atNextDocument = true;
                break;
            case '1.2':
                this.atNextDocument = false;
                this.yaml = {
                    explicit: Directives.defaultYaml.explicit,
                    version: '1.2'
                };
                this.tags = Object.assign({}, Directives.defaultTags);
                break;
        }
        return res;
    }
    /**
     * @param onError - May be called even if the action was successful
     * @returns `true` on success
     */
    add(line, onError) {
        if (this.atNextDocument) {
            this.yaml = { explicit: Directives.defaultYaml.explicit, version: '1.1' };
            this.tags = Object.assign({}, Directives.defaultTags);
            this.atNextDocument = false;
        }
        const parts = line.trim().split(/[ \t]+/);
        const name = parts.shift();
        switch (name) {
            case '%TAG': {
                if (parts.length !== 2) {
                    onError(0, '%TAG directive should contain exactly two parts');
                    if (parts.length < 2)
                        return false;
                }
                const [handle, prefix] = parts;
                this.tags[handle] = prefix;
                return true;
            }
            case '%YAML': {
                this.yaml.explicit = true;
                if (parts.length !== 1) {
                    onError(0, '%YAML directive should contain exactly one part');
                    return false;
                }
                const [version] = parts;
                if (version === '1.1' || version === '1.2') {
                    this.yaml.version = version;
                    return true;
                }
                else {
                    const isValid = /^\d+\.\d+$/.test(version);
                    onError(6, `Unsupported YAML version ${version}`, isValid);
                    return false;
                }
            }
            default:
                onError(0, `Unknown directive ${name}`, true);
                return false;
        }
    }
    /**
     * Resolves a tag, matching handles to those defined in %TAG directives.
     *
     * @returns Resolved tag, which may also be the non-specific tag `'!'` or a
     *   `'!local'` tag, or `null` if unresolvable.
     */
    tagName(source, onError) {
        if (source === '!')
            return '!'; // non-specific tag
        if (source[0] !== '!') {
            onError(`Not a valid tag: ${source}`);
            return null;
        }
        if (source[1] === '<') {
            const verbatim = source.slice(2, -1);
            if (verbatim === '!' || verbatim === '!!') {
                onError(`Verbatim tags aren't resolved, so ${source} is invalid.`);
                return null;
            }
            if (source[source.length - 1] !== '>')
                onError('Verbatim tags must end with a >');
            return verbatim;
        }
        const [, handle, suffix] = source.match(/^(.*!)([^!]*)$/s);
        if (!suffix)
            onError(`The ${source} tag has no suffix`);
        const prefix = this.tags[handle];
        if (prefix) {
            try {
                return prefix + decodeURIComponent(suffix);
            }
            catch (error) {
                onError(String(error));
                return null;
            }
        }
        if (handle === '!')
            return source; // local tag
        onError(`Could not resolve tag: ${source}`);
        return null;
    }
    /**
     * Given a fully resolved tag, returns its printable string form,
     * taking into account current tag prefixes and defaults.
     */
    tagString(tag) {
        for (const [handle, prefix] of Object.entries(this.tags)) {
            if (tag.startsWith(prefix))
                return handle + escapeTagName(tag.substring(prefix.length));
        }
        return tag[0] === '!' ? tag : `!<${tag}>`;
    }
    toString(doc) {
        const lines = this.yaml.explicit
            ? [`%YAML ${this.yaml.version || '1.2'}`]
            : [];
        const tagEntries = Object.entries(this.tags);
        let tagNames;
        if (doc && tagEntries.length > 0 && identity.isNode(doc.contents)) {
            const tags = {};
            visit.visit(doc.contents, (_key, node) => {
                if (identity.isNode(node) && node.tag)
                    tags[node.tag] = true;
            });
            tagNames = Object.keys(tags);
        }
        else
            tagNames = [];
        for (const [handle, prefix] of tagEntries) {
            if (handle === '!!' && prefix === 'tag:yaml.org,2002:')
                continue;
            if (!doc || tagNames.some(tn => tn.startsWith(prefix)))
                lines.push(`%TAG ${handle} ${prefix}`);
        }
        return lines.join('\n');
    }
}
Directives.defaultYaml = { explicit: false, version: '1.2' };
Directives.defaultTags = { '!!': 'tag:yaml.org,2002:' };

exports.Directives = Directives;


/***/ }),

/***/ 1464:
/***/ ((__unused_webpack_module, exports) => {



class YAMLError extends Error {
    constructor(name, pos, code, message) {
        super();
        this.name = name;
        this.code = code;
        this.message = message;
        this.pos = pos;
    }
}
class YAMLParseError extends YAMLError {
    constructor(pos, code, message) {
        super('YAMLParseError', pos, code, message);
    }
}
class YAMLWarning extends YAMLError {
    constructor(pos, code, message) {
        super('YAMLWarning', pos, code, message);
    }
}
const prettifyError = (src, lc) => (error) => {
    if (error.pos[0] === -1)
        return;
    error.linePos = error.pos.map(pos => lc.linePos(pos));
    const { line, col } = error.linePos[0];
    error.message += ` at line ${line}, column ${col}`;
    let ci = col - 1;
    let lineStr = src
        .substring(lc.lineStarts[line - 1], lc.lineStarts[line])
        .replace(/[\n\r]+$/, '');
    // Trim to max 80 chars, keeping col position near the middle
    if (ci >= 60 && lineStr.length > 80) {
        const trimStart = Math.min(ci - 39, lineStr.length - 79);
        lineStr = '…' + lineStr.substring(trimStart);
        ci -= trimStart - 1;
    }
    if (lineStr.length > 80)
        lineStr = lineStr.substring(0, 79) + '…';
    // Include previous line in context if pointing at line start
    if (line > 1 && /^ *$/.test(lineStr.substring(0, ci))) {
        // Regexp won't match if start is trimmed
        let prev = src.substring(lc.lineStarts[line - 2], lc.lineStarts[line - 1]);
        if (prev.length > 80)
            prev = prev.substring(0, 79) + '…\n';
        lineStr = prev + lineStr;
    }
    if (/[^ ]/.test(lineStr)) {
        let count = 1;
        const end = error.linePos[1];
        if (end?.line === line && end.col > col) {
            count = Math.max(1, Math.min(end.col - col, 80 - ci));
        }
        const pointer = ' '.repeat(ci) + '^'.repeat(count);
        error.message += `:\n\n${lineStr}\n${pointer}\n`;
    }
};

exports.YAMLError = YAMLError;
exports.YAMLParseError = YAMLParseError;
exports.YAMLWarning = YAMLWarning;
exports.prettifyError = prettifyError;


/***/ }),

/***/ 8815:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

var __webpack_unused_export__;


var composer = __nccwpck_require__(9984);
var Document = __nccwpck_require__(3021);
var Schema = __nccwpck_require__(5840);
var errors = __nccwpck_require__(1464);
var Alias = __nccwpck_require__(4065);
var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var Scalar = __nccwpck_require__(3301);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var cst = __nccwpck_require__(3461);
var lexer = __nccwpck_require__(361);
var lineCounter = __nccwpck_require__(6628);
var parser = __nccwpck_require__(3456);
var publicApi = __nccwpck_require__(4047);
var visit = __nccwpck_require__(204);



__webpack_unused_export__ = composer.Composer;
__webpack_unused_export__ = Document.Document;
__webpack_unused_export__ = Schema.Schema;
__webpack_unused_export__ = errors.YAMLError;
__webpack_unused_export__ = errors.YAMLParseError;
__webpack_unused_export__ = errors.YAMLWarning;
__webpack_unused_export__ = Alias.Alias;
exports.Vj = identity.isAlias;
__webpack_unused_export__ = identity.isCollection;
__webpack_unused_export__ = identity.isDocument;
exports.jh = identity.isMap;
__webpack_unused_export__ = identity.isNode;
__webpack_unused_export__ = identity.isPair;
exports.jn = identity.isScalar;
exports.oP = identity.isSeq;
__webpack_unused_export__ = Pair.Pair;
exports.X5 = Scalar.Scalar;
__webpack_unused_export__ = YAMLMap.YAMLMap;
__webpack_unused_export__ = YAMLSeq.YAMLSeq;
__webpack_unused_export__ = cst;
__webpack_unused_export__ = lexer.Lexer;
exports.HN = lineCounter.LineCounter;
__webpack_unused_export__ = parser.Parser;
__webpack_unused_export__ = publicApi.parse;
__webpack_unused_export__ = publicApi.parseAllDocuments;
exports.Tp = publicApi.parseDocument;
__webpack_unused_export__ = publicApi.stringify;
__webpack_unused_export__ = visit.visit;
__webpack_unused_export__ = visit.visitAsync;


/***/ }),

/***/ 7249:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_process = __nccwpck_require__(932);

function debug(logLevel, ...messages) {
    if (logLevel === 'debug')
        console.log(...messages);
}
function warn(logLevel, warning) {
    if (logLevel === 'debug' || logLevel === 'warn') {
        if (typeof node_process.emitWarning === 'function')
            node_process.emitWarning(warning);
        else
            console.warn(warning);
    }
}

exports.debug = debug;
exports.warn = warn;


/***/ }),

/***/ 4065:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var anchors = __nccwpck_require__(1596);
var visit = __nccwpck_require__(204);
var identity = __nccwpck_require__(1127);
var Node = __nccwpck_require__(6673);
var toJS = __nccwpck_require__(4043);

class Alias extends Node.NodeBase {
    constructor(source) {
        super(identity.ALIAS);
        this.source = source;
        Object.defineProperty(this, 'tag', {
            set() {
                throw new Error('Alias nodes cannot have tags');
            }
        });
    }
    /**
     * Resolve the value of this alias within `doc`, finding the last
     * instance of the `source` anchor before this node.
     */
    resolve(doc, ctx) {
        if (ctx?.maxAliasCount === 0)
            throw new ReferenceError('Alias resolution is disabled');
        let nodes;
        if (ctx?.aliasResolveCache) {
            nodes = ctx.aliasResolveCache;
        }
        else {
            nodes = [];
            visit.visit(doc, {
                Node: (_key, node) => {
                    if (identity.isAlias(node) || identity.hasAnchor(node))
                        nodes.push(node);
                }
            });
            if (ctx)
                ctx.aliasResolveCache = nodes;
        }
        let found = undefined;
        for (const node of nodes) {
            if (node === this)
                break;
            if (node.anchor === this.source)
                found = node;
        }
        if (found && ctx) {
            const { anchors, doc, maxAliasCount } = ctx;
            let data = anchors.get(found);
            if (!data) {
                // Resolve anchors for Node.prototype.toJS()
                toJS.toJS(found, null, ctx);
                data = anchors.get(found);
            }
            /* istanbul ignore if */
            if (data?.res === undefined) {
                const msg = 'This should not happen: Alias anchor was not resolved?';
                throw new ReferenceError(msg);
            }
            if (maxAliasCount >= 0) {
                data.count += 1;
                if (data.aliasCount === 0)
                    data.aliasCount = getAliasCount(doc, found, anchors);
                if (data.count * data.aliasCount > maxAliasCount) {
                    const msg = 'Excessive alias count indicates a resource exhaustion attack';
                    throw new ReferenceError(msg);
                }
            }
        }
        return found;
    }
    toJSON(_arg, ctx) {
        if (!ctx)
            return { source: this.source };
        const source = this.resolve(ctx.doc, ctx);
        if (!source) {
            const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
            throw new ReferenceError(msg);
        }
        return ctx.anchors.get(source).res;
    }
    toString(ctx, _onComment, _onChompKeep) {
        const src = `*${this.source}`;
        if (ctx) {
            anchors.anchorIsValid(this.source);
            if (ctx.options.verifyAliasOrder && !ctx.anchors.has(this.source)) {
                const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
                throw new Error(msg);
            }
            if (ctx.implicitKey)
                return `${src} `;
        }
        return src;
    }
}
function getAliasCount(doc, node, anchors) {
    if (identity.isAlias(node)) {
        const source = node.resolve(doc);
        const anchor = anchors && source && anchors.get(source);
        return anchor ? anchor.count * anchor.aliasCount : 0;
    }
    else if (identity.isCollection(node)) {
        let count = 0;
        for (const item of node.items) {
            const c = getAliasCount(doc, item, anchors);
            if (c > count)
                count = c;
        }
        return count;
    }
    else if (identity.isPair(node)) {
        const kc = getAliasCount(doc, node.key, anchors);
        const vc = getAliasCount(doc, node.value, anchors);
        return Math.max(kc, vc);
    }
    return 1;
}

exports.Alias = Alias;


/***/ }),

/***/ 101:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var createNode = __nccwpck_require__(2404);
var identity = __nccwpck_require__(1127);
var Node = __nccwpck_require__(6673);

function collectionFromPath(schema, path, value) {
    let v = value;
    for (let i = path.length - 1; i >= 0; --i) {
        const k = path[i];
        if (typeof k === 'number' && Number.isInteger(k) && k >= 0) {
            const a = [];
            a[k] = v;
            v = a;
        }
        else {
            v = new Map([[k, v]]);
        }
    }
    return createNode.createNode(v, undefined, {
        aliasDuplicateObjects: false,
        keepUndefined: false,
        onAnchor: () => {
            throw new Error('This should not happen, please report a bug.');
        },
        schema,
        sourceObjects: new Map()
    });
}
// Type guard is intentionally a little wrong so as to be more useful,
// as it does not cover untypable empty non-string iterables (e.g. []).
const isEmptyPath = (path) => path == null ||
    (typeof path === 'object' && !!path[Symbol.iterator]().next().done);
class Collection extends Node.NodeBase {
    constructor(type, schema) {
        super(type);
        Object.defineProperty(this, 'schema', {
            value: schema,
            configurable: true,
            enumerable: false,
            writable: true
        });
    }
    /**
     * Create a copy of this collection.
     *
     * @param schema - If defined, overwrites the original's schema
     */
    clone(schema) {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (schema)
            copy.schema = schema;
        copy.items = copy.items.map(it => identity.isNode(it) || identity.isPair(it) ? it.clone(schema) : it);
        if (this.range)
            copy.range = this.range.slice();
        return copy;
    }
    /**
     * Adds a value to the collection. For `!!map` and `!!omap` the value must
     * be a Pair instance or a `{ key, value }` object, which may not have a key
     * that already exists in the map.
     */
    addIn(path, value) {
        if (isEmptyPath(path))
            this.add(value);
        else {
            const [key, ...rest] = path;
            const node = this.get(key, true);
            if (identity.isCollection(node))
                node.addIn(rest, value);
            else if (node === undefined && this.schema)
                this.set(key, collectionFromPath(this.schema, rest, value));
            else
                throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
    }
    /**
     * Removes a value from the collection.
     * @returns `true` if the item was found and removed.
     */
    deleteIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
            return this.delete(key);
        const node = this.get(key, true);
        if (identity.isCollection(node))
            return node.deleteIn(rest);
        else
            throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
    }
    /**
     * Returns item at `key`, or `undefined` if not found. By default unwraps
     * scalar values from their surrounding node; to disable set `keepScalar` to
     * `true` (collections are always returned intact).
     */
    getIn(path, keepScalar) {
        const [key, ...rest] = path;
        const node = this.get(key, true);
        if (rest.length === 0)
            return !keepScalar && identity.isScalar(node) ? node.value : node;
        else
            return identity.isCollection(node) ? node.getIn(rest, keepScalar) : undefined;
    }
    hasAllNullValues(allowScalar) {
        return this.items.every(node => {
            if (!identity.isPair(node))
                return false;
            const n = node.value;
            return (n == null ||
                (allowScalar &&
                    identity.isScalar(n) &&
                    n.value == null &&
                    !n.commentBefore &&
                    !n.comment &&
                    !n.tag));
        });
    }
    /**
     * Checks if the collection includes a value with the key `key`.
     */
    hasIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
            return this.has(key);
        const node = this.get(key, true);
        return identity.isCollection(node) ? node.hasIn(rest) : false;
    }
    /**
     * Sets a value in this collection. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     */
    setIn(path, value) {
        const [key, ...rest] = path;
        if (rest.length === 0) {
            this.set(key, value);
        }
        else {
            const node = this.get(key, true);
            if (identity.isCollection(node))
                node.setIn(rest, value);
            else if (node === undefined && this.schema)
                this.set(key, collectionFromPath(this.schema, rest, value));
            else
                throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
    }
}

exports.Collection = Collection;
exports.collectionFromPath = collectionFromPath;
exports.isEmptyPath = isEmptyPath;


/***/ }),

/***/ 6673:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var applyReviver = __nccwpck_require__(3661);
var identity = __nccwpck_require__(1127);
var toJS = __nccwpck_require__(4043);

class NodeBase {
    constructor(type) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: type });
    }
    /** Create a copy of this node.  */
    clone() {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (this.range)
            copy.range = this.range.slice();
        return copy;
    }
    /** A plain JavaScript representation of this node. */
    toJS(doc, { mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        if (!identity.isDocument(doc))
            throw new TypeError('A document argument is required');
        const ctx = {
            anchors: new Map(),
            doc,
            keep: true,
            mapAsMap: mapAsMap === true,
            mapKeyWarned: false,
            maxAliasCount: typeof maxAliasCount === 'number' ? maxAliasCount : 100
        };
        const res = toJS.toJS(this, '', ctx);
        if (typeof onAnchor === 'function')
            for (const { count, res } of ctx.anchors.values())
                onAnchor(res, count);
        return typeof reviver === 'function'
            ? applyReviver.applyReviver(reviver, { '': res }, '', res)
            : res;
    }
}

exports.NodeBase = NodeBase;


/***/ }),

/***/ 7165:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var createNode = __nccwpck_require__(2404);
var stringifyPair = __nccwpck_require__(9748);
var addPairToJSMap = __nccwpck_require__(7104);
var identity = __nccwpck_require__(1127);

function createPair(key, value, ctx) {
    const k = createNode.createNode(key, undefined, ctx);
    const v = createNode.createNode(value, undefined, ctx);
    return new Pair(k, v);
}
class Pair {
    constructor(key, value = null) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.PAIR });
        this.key = key;
        this.value = value;
    }
    clone(schema) {
        let { key, value } = this;
        if (identity.isNode(key))
            key = key.clone(schema);
        if (identity.isNode(value))
            value = value.clone(schema);
        return new Pair(key, value);
    }
    toJSON(_, ctx) {
        const pair = ctx?.mapAsMap ? new Map() : {};
        return addPairToJSMap.addPairToJSMap(ctx, pair, this);
    }
    toString(ctx, onComment, onChompKeep) {
        return ctx?.doc
            ? stringifyPair.stringifyPair(this, ctx, onComment, onChompKeep)
            : JSON.stringify(this);
    }
}

exports.Pair = Pair;
exports.createPair = createPair;


/***/ }),

/***/ 3301:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Node = __nccwpck_require__(6673);
var toJS = __nccwpck_require__(4043);

const isScalarValue = (value) => !value || (typeof value !== 'function' && typeof value !== 'object');
class Scalar extends Node.NodeBase {
    constructor(value) {
        super(identity.SCALAR);
        this.value = value;
    }
    toJSON(arg, ctx) {
        return ctx?.keep ? this.value : toJS.toJS(this.value, arg, ctx);
    }
    toString() {
        return String(this.value);
    }
}
Scalar.BLOCK_FOLDED = 'BLOCK_FOLDED';
Scalar.BLOCK_LITERAL = 'BLOCK_LITERAL';
Scalar.PLAIN = 'PLAIN';
Scalar.QUOTE_DOUBLE = 'QUOTE_DOUBLE';
Scalar.QUOTE_SINGLE = 'QUOTE_SINGLE';

exports.Scalar = Scalar;
exports.isScalarValue = isScalarValue;


/***/ }),

/***/ 4454:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyCollection = __nccwpck_require__(1212);
var addPairToJSMap = __nccwpck_require__(7104);
var Collection = __nccwpck_require__(101);
var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var Scalar = __nccwpck_require__(3301);

function findPair(items, key) {
    const k = identity.isScalar(key) ? key.value : key;
    for (const it of items) {
        if (identity.isPair(it)) {
            if (it.key === key || it.key === k)
                return it;
            if (identity.isScalar(it.key) && it.key.value === k)
                return it;
        }
    }
    return undefined;
}
class YAMLMap extends Collection.Collection {
    static get tagName() {
        return 'tag:yaml.org,2002:map';
    }
    constructor(schema) {
        super(identity.MAP, schema);
        this.items = [];
    }
    /**
     * A generic collection parsing method that can be extended
     * to other node classes that inherit from YAMLMap
     */
    static from(schema, obj, ctx) {
        const { keepUndefined, replacer } = ctx;
        const map = new this(schema);
        const add = (key, value) => {
            if (typeof replacer === 'function')
                value = replacer.call(obj, key, value);
            else if (Array.isArray(replacer) && !replacer.includes(key))
                return;
            if (value !== undefined || keepUndefined)
                map.items.push(Pair.createPair(key, value, ctx));
        };
        if (obj instanceof Map) {
            for (const [key, value] of obj)
                add(key, value);
        }
        else if (obj && typeof obj === 'object') {
            for (const key of Object.keys(obj))
                add(key, obj[key]);
        }
        if (typeof schema.sortMapEntries === 'function') {
            map.items.sort(schema.sortMapEntries);
        }
        return map;
    }
    /**
     * Adds a value to the collection.
     *
     * @param overwrite - If not set `true`, using a key that is already in the
     *   collection will throw. Otherwise, overwrites the previous value.
     */
    add(pair, overwrite) {
        let _pair;
        if (identity.isPair(pair))
            _pair = pair;
        else if (!pair || typeof pair !== 'object' || !('key' in pair)) {
            // In TypeScript, this never happens.
            _pair = new Pair.Pair(pair, pair?.value);
        }
        else
            _pair = new Pair.Pair(pair.key, pair.value);
        const prev = findPair(this.items, _pair.key);
        const sortEntries = this.schema?.sortMapEntries;
        if (prev) {
            if (!overwrite)
                throw new Error(`Key ${_pair.key} already set`);
            // For scalars, keep the old node & its comments and anchors
            if (identity.isScalar(prev.value) && Scalar.isScalarValue(_pair.value))
                prev.value.value = _pair.value;
            else
                prev.value = _pair.value;
        }
        else if (sortEntries) {
            const i = this.items.findIndex(item => sortEntries(_pair, item) < 0);
            if (i === -1)
                this.items.push(_pair);
            else
                this.items.splice(i, 0, _pair);
        }
        else {
            this.items.push(_pair);
        }
    }
    delete(key) {
        const it = findPair(this.items, key);
        if (!it)
            return false;
        const del = this.items.splice(this.items.indexOf(it), 1);
        return del.length > 0;
    }
    get(key, keepScalar) {
        const it = findPair(this.items, key);
        const node = it?.value;
        return (!keepScalar && identity.isScalar(node) ? node.value : node) ?? undefined;
    }
    has(key) {
        return !!findPair(this.items, key);
    }
    set(key, value) {
        this.add(new Pair.Pair(key, value), true);
    }
    /**
     * @param ctx - Conversion context, originally set in Document#toJS()
     * @param {Class} Type - If set, forces the returned collection type
     * @returns Instance of Type, Map, or Object
     */
    toJSON(_, ctx, Type) {
        const map = Type ? new Type() : ctx?.mapAsMap ? new Map() : {};
        if (ctx?.onCreate)
            ctx.onCreate(map);
        for (const item of this.items)
            addPairToJSMap.addPairToJSMap(ctx, map, item);
        return map;
    }
    toString(ctx, onComment, onChompKeep) {
        if (!ctx)
            return JSON.stringify(this);
        for (const item of this.items) {
            if (!identity.isPair(item))
                throw new Error(`Map items must all be pairs; found ${JSON.stringify(item)} instead`);
        }
        if (!ctx.allNullValues && this.hasAllNullValues(false))
            ctx = Object.assign({}, ctx, { allNullValues: true });
        return stringifyCollection.stringifyCollection(this, ctx, {
            blockItemPrefix: '',
            flowChars: { start: '{', end: '}' },
            itemIndent: ctx.indent || '',
            onChompKeep,
            onComment
        });
    }
}

exports.YAMLMap = YAMLMap;
exports.findPair = findPair;


/***/ }),

/***/ 2223:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var createNode = __nccwpck_require__(2404);
var stringifyCollection = __nccwpck_require__(1212);
var Collection = __nccwpck_require__(101);
var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var toJS = __nccwpck_require__(4043);

class YAMLSeq extends Collection.Collection {
    static get tagName() {
        return 'tag:yaml.org,2002:seq';
    }
    constructor(schema) {
        super(identity.SEQ, schema);
        this.items = [];
    }
    add(value) {
        this.items.push(value);
    }
    /**
     * Removes a value from the collection.
     *
     * `key` must contain a representation of an integer for this to succeed.
     * It may be wrapped in a `Scalar`.
     *
     * @returns `true` if the item was found and removed.
     */
    delete(key) {
        const idx = asItemIndex(key);
        if (typeof idx !== 'number')
            return false;
        const del = this.items.splice(idx, 1);
        return del.length > 0;
    }
    get(key, keepScalar) {
        const idx = asItemIndex(key);
        if (typeof idx !== 'number')
            return undefined;
        const it = this.items[idx];
        return !keepScalar && identity.isScalar(it) ? it.value : it;
    }
    /**
     * Checks if the collection includes a value with the key `key`.
     *
     * `key` must contain a representation of an integer for this to succeed.
     * It may be wrapped in a `Scalar`.
     */
    has(key) {
        const idx = asItemIndex(key);
        return typeof idx === 'number' && idx < this.items.length;
    }
    /**
     * Sets a value in this collection. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     *
     * If `key` does not contain a representation of an integer, this will throw.
     * It may be wrapped in a `Scalar`.
     */
    set(key, value) {
        const idx = asItemIndex(key);
        if (typeof idx !== 'number')
            throw new Error(`Expected a valid index, not ${key}.`);
        const prev = this.items[idx];
        if (identity.isScalar(prev) && Scalar.isScalarValue(value))
            prev.value = value;
        else
            this.items[idx] = value;
    }
    toJSON(_, ctx) {
        const seq = [];
        if (ctx?.onCreate)
            ctx.onCreate(seq);
        let i = 0;
        for (const item of this.items)
            seq.push(toJS.toJS(item, String(i++), ctx));
        return seq;
    }
    toString(ctx, onComment, onChompKeep) {
        if (!ctx)
            return JSON.stringify(this);
        return stringifyCollection.stringifyCollection(this, ctx, {
            blockItemPrefix: '- ',
            flowChars: { start: '[', end: ']' },
            itemIndent: (ctx.indent || '') + '  ',
            onChompKeep,
            onComment
        });
    }
    static from(schema, obj, ctx) {
        const { replacer } = ctx;
        const seq = new this(schema);
        if (obj && Symbol.iterator in Object(obj)) {
            let i = 0;
            for (let it of obj) {
                if (typeof replacer === 'function') {
                    const key = obj instanceof Set ? it : String(i++);
                    it = replacer.call(obj, key, it);
                }
                seq.items.push(createNode.createNode(it, undefined, ctx));
            }
        }
        return seq;
    }
}
function asItemIndex(key) {
    let idx = identity.isScalar(key) ? key.value : key;
    if (idx && typeof idx === 'string')
        idx = Number(idx);
    return typeof idx === 'number' && Number.isInteger(idx) && idx >= 0
        ? idx
        : null;
}

exports.YAMLSeq = YAMLSeq;


/***/ }),

/***/ 7104:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var log = __nccwpck_require__(7249);
var merge = __nccwpck_require__(452);
var stringify = __nccwpck_require__(2148);
var identity = __nccwpck_require__(1127);
var toJS = __nccwpck_require__(4043);

function addPairToJSMap(ctx, map, { key, value }) {
    if (identity.isNode(key) && key.addToJSMap)
        key.addToJSMap(ctx, map, value);
    // TODO: Should drop this special case for bare << handling
    else if (merge.isMergeKey(ctx, key))
        merge.addMergeToJSMap(ctx, map, value);
    else {
        const jsKey = toJS.toJS(key, '', ctx);
        if (map instanceof Map) {
            map.set(jsKey, toJS.toJS(value, jsKey, ctx));
        }
        else if (map instanceof Set) {
            map.add(jsKey);
        }
        else {
            const stringKey = stringifyKey(key, jsKey, ctx);
            const jsValue = toJS.toJS(value, stringKey, ctx);
            if (stringKey in map)
                Object.defineProperty(map, stringKey, {
                    value: jsValue,
                    writable: true,
                    enumerable: true,
                    configurable: true
                });
            else
                map[stringKey] = jsValue;
        }
    }
    return map;
}
function stringifyKey(key, jsKey, ctx) {
    if (jsKey === null)
        return '';
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    if (typeof jsKey !== 'object')
        return String(jsKey);
    if (identity.isNode(key) && ctx?.doc) {
        const strCtx = stringify.createStringifyContext(ctx.doc, {});
        strCtx.anchors = new Set();
        for (const node of ctx.anchors.keys())
            strCtx.anchors.add(node.anchor);
        strCtx.inFlow = true;
        strCtx.inStringifyKey = true;
        const strKey = key.toString(strCtx);
        if (!ctx.mapKeyWarned) {
            let jsonStr = JSON.stringify(strKey);
            if (jsonStr.length > 40)
                jsonStr = jsonStr.substring(0, 36) + '..."';
            log.warn(ctx.doc.options.logLevel, `Keys with collection values will be stringified due to JS Object restrictions: ${jsonStr}. Set mapAsMap: true to use object keys.`);
            ctx.mapKeyWarned = true;
        }
        return strKey;
    }
    return JSON.stringify(jsKey);
}

exports.addPairToJSMap = addPairToJSMap;


/***/ }),

/***/ 1127:
/***/ ((__unused_webpack_module, exports) => {



const ALIAS = Symbol.for('yaml.alias');
const DOC = Symbol.for('yaml.document');
const MAP = Symbol.for('yaml.map');
const PAIR = Symbol.for('yaml.pair');
const SCALAR = Symbol.for('yaml.scalar');
const SEQ = Symbol.for('yaml.seq');
const NODE_TYPE = Symbol.for('yaml.node.type');
const isAlias = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === ALIAS;
const isDocument = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === DOC;
const isMap = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === MAP;
const isPair = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === PAIR;
const isScalar = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === SCALAR;
const isSeq = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === SEQ;
function isCollection(node) {
    if (node && typeof node === 'object')
        switch (node[NODE_TYPE]) {
            case MAP:
            case SEQ:
                return true;
        }
    return false;
}
function isNode(node) {
    if (node && typeof node === 'object')
        switch (node[NODE_TYPE]) {
            case ALIAS:
            case MAP:
            case SCALAR:
            case SEQ:
                return true;
        }
    return false;
}
const hasAnchor = (node) => (isScalar(node) || isCollection(node)) && !!node.anchor;

exports.ALIAS = ALIAS;
exports.DOC = DOC;
exports.MAP = MAP;
exports.NODE_TYPE = NODE_TYPE;
exports.PAIR = PAIR;
exports.SCALAR = SCALAR;
exports.SEQ = SEQ;
exports.hasAnchor = hasAnchor;
exports.isAlias = isAlias;
exports.isCollection = isCollection;
exports.isDocument = isDocument;
exports.isMap = isMap;
exports.isNode = isNode;
exports.isPair = isPair;
exports.isScalar = isScalar;
exports.isSeq = isSeq;


/***/ }),

/***/ 4043:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);

/**
 * Recursively convert any node or its contents to native JavaScript
 *
 * @param value - The input value
 * @param arg - If `value` defines a `toJSON()` method, use this
 *   as its first argument
 * @param ctx - Conversion context, originally set in Document#toJS(). If
 *   `{ keep: true }` is not set, output should be suitable for JSON
 *   stringification.
 */
function toJS(value, arg, ctx) {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-return
    if (Array.isArray(value))
        return value.map((v, i) => toJS(v, String(i), ctx));
    if (value && typeof value.toJSON === 'function') {
        // eslint-disable-next-line @typescript-eslint/no-unsafe-call
        if (!ctx || !identity.hasAnchor(value))
            return value.toJSON(arg, ctx);
        const data = { aliasCount: 0, count: 1, res: undefined };
        ctx.anchors.set(value, data);
        ctx.onCreate = res => {
            data.res = res;
            delete ctx.onCreate;
        };
        const res = value.toJSON(arg, ctx);
        if (ctx.onCreate)
            ctx.onCreate(res);
        return res;
    }
    if (typeof value === 'bigint' && !ctx?.keep)
        return Number(value);
    return value;
}

exports.toJS = toJS;


/***/ }),

/***/ 110:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var resolveBlockScalar = __nccwpck_require__(8913);
var resolveFlowScalar = __nccwpck_require__(6842);
var errors = __nccwpck_require__(1464);
var stringifyString = __nccwpck_require__(3069);

function resolveAsScalar(token, strict = true, onError) {
    if (token) {
        const _onError = (pos, code, message) => {
            const offset = typeof pos === 'number' ? pos : Array.isArray(pos) ? pos[0] : pos.offset;
            if (onError)
                onError(offset, code, message);
            else
                throw new errors.YAMLParseError([offset, offset + 1], code, message);
        };
        switch (token.type) {
            case 'scalar':
            case 'single-quoted-scalar':
            case 'double-quoted-scalar':
                return resolveFlowScalar.resolveFlowScalar(token, strict, _onError);
            case 'block-scalar':
                return resolveBlockScalar.resolveBlockScalar({ options: { strict } }, token, _onError);
        }
    }
    return null;
}
/**
 * Create a new scalar token with `value`
 *
 * Values that represent an actual string but may be parsed as a different type should use a `type` other than `'PLAIN'`,
 * as this function does not support any schema operations and won't check for such conflicts.
 *
 * @param value The string representation of the value, which will have its content properly indented.
 * @param context.end Comments and whitespace after the end of the value, or after the block scalar header. If undefined, a newline will be added.
 * @param context.implicitKey Being within an implicit key may affect the resolved type of the token's value.
 * @param context.indent The indent level of the token.
 * @param context.inFlow Is this scalar within a flow collection? This may affect the resolved type of the token's value.
 * @param context.offset The offset position of the token.
 * @param context.type The preferred type of the scalar token. If undefined, the previous type of the `token` will be used, defaulting to `'PLAIN'`.
 */
function createScalarToken(value, context) {
    const { implicitKey = false, indent, inFlow = false, offset = -1, type = 'PLAIN' } = context;
    const source = stringifyString.stringifyString({ type, value }, {
        implicitKey,
        indent: indent > 0 ? ' '.repeat(indent) : '',
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
    });
    const end = context.end ?? [
        { type: 'newline', offset: -1, indent, source: '\n' }
    ];
    switch (source[0]) {
        case '|':
        case '>': {
            const he = source.indexOf('\n');
            const head = source.substring(0, he);
            const body = source.substring(he + 1) + '\n';
            const props = [
                { type: 'block-scalar-header', offset, indent, source: head }
            ];
            if (!addEndtoBlockProps(props, end))
                props.push({ type: 'newline', offset: -1, indent, source: '\n' });
            return { type: 'block-scalar', offset, indent, props, source: body };
        }
        case '"':
            return { type: 'double-quoted-scalar', offset, indent, source, end };
        case "'":
            return { type: 'single-quoted-scalar', offset, indent, source, end };
        default:
            return { type: 'scalar', offset, indent, source, end };
    }
}
/**
 * Set the value of `token` to the given string `value`, overwriting any previous contents and type that it may have.
 *
 * Best efforts are made to retain any comments previously associated with the `token`,
 * though all contents within a collection's `items` will be overwritten.
 *
 * Values that represent an actual string but may be parsed as a different type should use a `type` other than `'PLAIN'`,
 * as this function does not support any schema operations and won't check for such conflicts.
 *
 * @param token Any token. If it does not include an `indent` value, the value will be stringified as if it were an implicit key.
 * @param value The string representation of the value, which will have its content properly indented.
 * @param context.afterKey In most cases, values after a key should have an additional level of indentation.
 * @param context.implicitKey Being within an implicit key may affect the resolved type of the token's value.
 * @param context.inFlow Being within a flow collection may affect the resolved type of the token's value.
 * @param context.type The preferred type of the scalar token. If undefined, the previous type of the `token` will be used, defaulting to `'PLAIN'`.
 */
function setScalarValue(token, value, context = {}) {
    let { afterKey = false, implicitKey = false, inFlow = false, type } = context;
    let indent = 'indent' in token ? token.indent : null;
    if (afterKey && typeof indent === 'number')
        indent += 2;
    if (!type)
        switch (token.type) {
            case 'single-quoted-scalar':
                type = 'QUOTE_SINGLE';
                break;
            case 'double-quoted-scalar':
                type = 'QUOTE_DOUBLE';
                break;
            case 'block-scalar': {
                const header = token.props[0];
                if (header.type !== 'block-scalar-header')
                    throw new Error('Invalid block scalar header');
                type = header.source[0] === '>' ? 'BLOCK_FOLDED' : 'BLOCK_LITERAL';
                break;
            }
            default:
                type = 'PLAIN';
        }
    const source = stringifyString.stringifyString({ type, value }, {
        implicitKey: implicitKey || indent === null,
        indent: indent !== null && indent > 0 ? ' '.repeat(indent) : '',
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
    });
    switch (source[0]) {
        case '|':
        case '>':
            setBlockScalarValue(token, source);
            break;
        case '"':
            setFlowScalarValue(token, source, 'double-quoted-scalar');
            break;
        case "'":
            setFlowScalarValue(token, source, 'single-quoted-scalar');
            break;
        default:
            setFlowScalarValue(token, source, 'scalar');
    }
}
function setBlockScalarValue(token, source) {
    const he = source.indexOf('\n');
    const head = source.substring(0, he);
    const body = source.substring(he + 1) + '\n';
    if (token.type === 'block-scalar') {
        const header = token.props[0];
        if (header.type !== 'block-scalar-header')
            throw new Error('Invalid block scalar header');
        header.source = head;
        token.source = body;
    }
    else {
        const { offset } = token;
        const indent = 'indent' in token ? token.indent : -1;
        const props = [
            { type: 'block-scalar-header', offset, indent, source: head }
        ];
        if (!addEndtoBlockProps(props, 'end' in token ? token.end : undefined))
            props.push({ type: 'newline', offset: -1, indent, source: '\n' });
        for (const key of Object.keys(token))
            if (key !== 'type' && key !== 'offset')
                delete token[key];
        Object.assign(token, { type: 'block-scalar', indent, props, source: body });
    }
}
/** @returns `true` if last token is a newline */
function addEndtoBlockProps(props, end) {
    if (end)
        for (const st of end)
            switch (st.type) {
                case 'space':
                case 'comment':
                    props.push(st);
                    break;
                case 'newline':
                    props.push(st);
                    return true;
            }
    return false;
}
function setFlowScalarValue(token, source, type) {
    switch (token.type) {
        case 'scalar':
        case 'double-quoted-scalar':
        case 'single-quoted-scalar':
            token.type = type;
            token.source = source;
            break;
        case 'block-scalar': {
            const end = token.props.slice(1);
            let oa = source.length;
            if (token.props[0].type === 'block-scalar-header')
                oa -= token.props[0].source.length;
            for (const tok of end)
                tok.offset += oa;
            delete token.props;
            Object.assign(token, { type, source, end });
            break;
        }
        case 'block-map':
        case 'block-seq': {
            const offset = token.offset + source.length;
            const nl = { type: 'newline', offset, indent: token.indent, source: '\n' };
            delete token.items;
            Object.assign(token, { type, source, end: [nl] });
            break;
        }
        default: {
            const indent = 'indent' in token ? token.indent : -1;
            const end = 'end' in token && Array.isArray(token.end)
                ? token.end.filter(st => st.type === 'space' ||
                    st.type === 'comment' ||
                    st.type === 'newline')
                : [];
            for (const key of Object.keys(token))
                if (key !== 'type' && key !== 'offset')
                    delete token[key];
            Object.assign(token, { type, indent, source, end });
        }
    }
}

exports.createScalarToken = createScalarToken;
exports.resolveAsScalar = resolveAsScalar;
exports.setScalarValue = setScalarValue;


/***/ }),

/***/ 1733:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Stringify a CST document, token, or collection item
 *
 * Fair warning: This applies no validation whatsoever, and
 * simply concatenates the sources in their logical order.
 */
const stringify = (cst) => 'type' in cst ? stringifyToken(cst) : stringifyItem(cst);
function stringifyToken(token) {
    switch (token.type) {
        case 'block-scalar': {
            let res = '';
            for (const tok of token.props)
                res += stringifyToken(tok);
            return res + token.source;
        }
        case 'block-map':
        case 'block-seq': {
            let res = '';
            for (const item of token.items)
                res += stringifyItem(item);
            return res;
        }
        case 'flow-collection': {
            let res = token.start.source;
            for (const item of token.items)
                res += stringifyItem(item);
            for (const st of token.end)
                res += st.source;
            return res;
        }
        case 'document': {
            let res = stringifyItem(token);
            if (token.end)
                for (const st of token.end)
                    res += st.source;
            return res;
        }
        default: {
            let res = token.source;
            if ('end' in token && token.end)
                for (const st of token.end)
                    res += st.source;
            return res;
        }
    }
}
function stringifyItem({ start, key, sep, value }) {
    let res = '';
    for (const st of start)
        res += st.source;
    if (key)
        res += stringifyToken(key);
    if (sep)
        for (const st of sep)
            res += st.source;
    if (value)
        res += stringifyToken(value);
    return res;
}

exports.stringify = stringify;


/***/ }),

/***/ 7715:
/***/ ((__unused_webpack_module, exports) => {



const BREAK = Symbol('break visit');
const SKIP = Symbol('skip children');
const REMOVE = Symbol('remove item');
/**
 * Apply a visitor to a CST document or item.
 *
 * Walks through the tree (depth-first) starting from the root, calling a
 * `visitor` function with two arguments when entering each item:
 *   - `item`: The current item, which included the following members:
 *     - `start: SourceToken[]` – Source tokens before the key or value,
 *       possibly including its anchor or tag.
 *     - `key?: Token | null` – Set for pair values. May then be `null`, if
 *       the key before the `:` separator is empty.
 *     - `sep?: SourceToken[]` – Source tokens between the key and the value,
 *       which should include the `:` map value indicator if `value` is set.
 *     - `value?: Token` – The value of a sequence item, or of a map pair.
 *   - `path`: The steps from the root to the current node, as an array of
 *     `['key' | 'value', number]` tuples.
 *
 * The return value of the visitor may be used to control the traversal:
 *   - `undefined` (default): Do nothing and continue
 *   - `visit.SKIP`: Do not visit the children of this token, continue with
 *      next sibling
 *   - `visit.BREAK`: Terminate traversal completely
 *   - `visit.REMOVE`: Remove the current item, then continue with the next one
 *   - `number`: Set the index of the next step. This is useful especially if
 *     the index of the current token has changed.
 *   - `function`: Define the next visitor for this item. After the original
 *     visitor is called on item entry, next visitors are called after handling
 *     a non-empty `key` and when exiting the item.
 */
function visit(cst, visitor) {
    if ('type' in cst && cst.type === 'document')
        cst = { start: cst.start, value: cst.value };
    _visit(Object.freeze([]), cst, visitor);
}
// Without the `as symbol` casts, TS declares these in the `visit`
// namespace using `var`, but then complains about that because
// `unique symbol` must be `const`.
/** Terminate visit traversal completely */
visit.BREAK = BREAK;
/** Do not visit the children of the current item */
visit.SKIP = SKIP;
/** Remove the current item */
visit.REMOVE = REMOVE;
/** Find the item at `path` from `cst` as the root */
visit.itemAtPath = (cst, path) => {
    let item = cst;
    for (const [field, index] of path) {
        const tok = item?.[field];
        if (tok && 'items' in tok) {
            item = tok.items[index];
        }
        else
            return undefined;
    }
    return item;
};
/**
 * Get the immediate parent collection of the item at `path` from `cst` as the root.
 *
 * Throws an error if the collection is not found, which should never happen if the item itself exists.
 */
visit.parentCollection = (cst, path) => {
    const parent = visit.itemAtPath(cst, path.slice(0, -1));
    const field = path[path.length - 1][0];
    const coll = parent?.[field];
    if (coll && 'items' in coll)
        return coll;
    throw new Error('Parent collection not found');
};
function _visit(path, item, visitor) {
    let ctrl = visitor(item, path);
    if (typeof ctrl === 'symbol')
        return ctrl;
    for (const field of ['key', 'value']) {
        const token = item[field];
        if (token && 'items' in token) {
            for (let i = 0; i < token.items.length; ++i) {
                const ci = _visit(Object.freeze(path.concat([[field, i]])), token.items[i], visitor);
                if (typeof ci === 'number')
                    i = ci - 1;
                else if (ci === BREAK)
                    return BREAK;
                else if (ci === REMOVE) {
                    token.items.splice(i, 1);
                    i -= 1;
                }
            }
            if (typeof ctrl === 'function' && field === 'key')
                ctrl = ctrl(item, path);
        }
    }
    return typeof ctrl === 'function' ? ctrl(item, path) : ctrl;
}

exports.visit = visit;


/***/ }),

/***/ 3461:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var cstScalar = __nccwpck_require__(110);
var cstStringify = __nccwpck_require__(1733);
var cstVisit = __nccwpck_require__(7715);

/** The byte order mark */
const BOM = '\u{FEFF}';
/** Start of doc-mode */
const DOCUMENT = '\x02'; // C0: Start of Text
/** Unexpected end of flow-mode */
const FLOW_END = '\x18'; // C0: Cancel
/** Next token is a scalar value */
const SCALAR = '\x1f'; // C0: Unit Separator
/** @returns `true` if `token` is a flow or block collection */
const isCollection = (token) => !!token && 'items' in token;
/** @returns `true` if `token` is a flow or block scalar; not an alias */
const isScalar = (token) => !!token &&
    (token.type === 'scalar' ||
        token.type === 'single-quoted-scalar' ||
        token.type === 'double-quoted-scalar' ||
        token.type === 'block-scalar');
/* istanbul ignore next */
/** Get a printable representation of a lexer token */
function prettyToken(token) {
    switch (token) {
        case BOM:
            return '<BOM>';
        case DOCUMENT:
            return '<DOC>';
        case FLOW_END:
            return '<FLOW_END>';
        case SCALAR:
            return '<SCALAR>';
        default:
            return JSON.stringify(token);
    }
}
/** Identify the type of a lexer token. May return `null` for unknown tokens. */
function tokenType(source) {
    switch (source) {
        case BOM:
            return 'byte-order-mark';
        case DOCUMENT:
            return 'doc-mode';
        case FLOW_END:
            return 'flow-error-end';
        case SCALAR:
            return 'scalar';
        case '---':
            return 'doc-start';
        case '...':
            return 'doc-end';
        case '':
        case '\n':
        case '\r\n':
            return 'newline';
        case '-':
            return 'seq-item-ind';
        case '?':
            return 'explicit-key-ind';
        case ':':
            return 'map-value-ind';
        case '{':
            return 'flow-map-start';
        case '}':
            return 'flow-map-end';
        case '[':
            return 'flow-seq-start';
        case ']':
            return 'flow-seq-end';
        case ',':
            return 'comma';
    }
    switch (source[0]) {
        case ' ':
        case '\t':
            return 'space';
        case '#':
            return 'comment';
        case '%':
            return 'directive-line';
        case '*':
            return 'alias';
        case '&':
            return 'anchor';
        case '!':
            return 'tag';
        case "'":
            return 'single-quoted-scalar';
        case '"':
            return 'double-quoted-scalar';
        case '|':
        case '>':
            return 'block-scalar-header';
    }
    return null;
}

exports.createScalarToken = cstScalar.createScalarToken;
exports.resolveAsScalar = cstScalar.resolveAsScalar;
exports.setScalarValue = cstScalar.setScalarValue;
exports.stringify = cstStringify.stringify;
exports.visit = cstVisit.visit;
exports.BOM = BOM;
exports.DOCUMENT = DOCUMENT;
exports.FLOW_END = FLOW_END;
exports.SCALAR = SCALAR;
exports.isCollection = isCollection;
exports.isScalar = isScalar;
exports.prettyToken = prettyToken;
exports.tokenType = tokenType;


/***/ }),

/***/ 361:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var cst = __nccwpck_require__(3461);

/*
START -> stream

stream
  directive -> line-end -> stream
  indent + line-end -> stream
  [else] -> line-start

line-end
  comment -> line-end
  newline -> .
  input-end -> END

line-start
  doc-start -> doc
  doc-end -> stream
  [else] -> indent -> block-start

block-start
  seq-item-start -> block-start
  explicit-key-start -> block-start
  map-value-start -> block-start
  [else] -> doc

doc
  line-end -> line-start
  spaces -> doc
  anchor -> doc
  tag -> doc
  flow-start -> flow -> doc
  flow-end -> error -> doc
  seq-item-start -> error -> doc
  explicit-key-start -> error -> doc
  map-value-start -> doc
  alias -> doc
  quote-start -> quoted-scalar -> doc
  block-scalar-header -> line-end -> block-scalar(min) -> line-start
  [else] -> plain-scalar(false, min) -> doc

flow
  line-end -> flow
  spaces -> flow
  anchor -> flow
  tag -> flow
  flow-start -> flow -> flow
  flow-end -> .
  seq-item-start -> error -> flow
  explicit-key-start -> flow
  map-value-start -> flow
  alias -> flow
  quote-start -> quoted-scalar -> flow
  comma -> flow
  [else] -> plain-scalar(true, 0) -> flow

quoted-scalar
  quote-end -> .
  [else] -> quoted-scalar

block-scalar(min)
  newline + peek(indent < min) -> .
  [else] -> block-scalar(min)

plain-scalar(is-flow, min)
  scalar-end(is-flow) -> .
  peek(newline + (indent < min)) -> .
  [else] -> plain-scalar(min)
*/
function isEmpty(ch) {
    switch (ch) {
        case undefined:
        case ' ':
        case '\n':
        case '\r':
        case '\t':
            return true;
        default:
            return false;
    }
}
const hexDigits = new Set('0123456789ABCDEFabcdef');
const tagChars = new Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-#;/?:@&=+$_.!~*'()");
const flowIndicatorChars = new Set(',[]{}');
const invalidAnchorChars = new Set(' ,[]{}\n\r\t');
const isNotAnchorChar = (ch) => !ch || invalidAnchorChars.has(ch);
/**
 * Splits an input string into lexical tokens, i.e. smaller strings that are
 * easily identifiable by `tokens.tokenType()`.
 *
 * Lexing starts always in a "stream" context. Incomplete input may be buffered
 * until a complete token can be emitted.
 *
 * In addition to slices of the original input, the following control characters
 * may also be emitted:
 *
 * - `\x02` (Start of Text): A document starts with the next token
 * - `\x18` (Cancel): Unexpected end of flow-mode (indicates an error)
 * - `\x1f` (Unit Separator): Next token is a scalar value
 * - `\u{FEFF}` (Byte order mark): Emitted separately outside documents
 */
class Lexer {
    constructor() {
        /**
         * Flag indicating whether the end of the current buffer marks the end of
         * all input
         */
        this.atEnd = false;
        /**
         * Explicit indent set in block scalar header, as an offset from the current
         * minimum indent, so e.g. set to 1 from a header `|2+`. Set to -1 if not
         * explicitly set.
         */
        this.blockScalarIndent = -1;
        /**
         * Block scalars that include a + (keep) chomping indicator in their header
         * include trailing empty lines, which are otherwise excluded from the
         * scalar's contents.
         */
        this.blockScalarKeep = false;
        /** Current input */
        this.buffer = '';
        /**
         * Flag noting whether the map value indicator : can immediately follow this
         * node within a flow context.
         */
        this.flowKey = false;
        /** Count of surrounding flow collection levels. */
        this.flowLevel = 0;
        /**
         * Minimum level of indentation required for next lines to be parsed as a
         * part of the current scalar value.
         */
        this.indentNext = 0;
        /** Indentation level of the current line. */
        this.indentValue = 0;
        /** Position of the next \n character. */
        this.lineEndPos = null;
        /** Stores the state of the lexer if reaching the end of incpomplete input */
        this.next = null;
        /** A pointer to `buffer`; the current position of the lexer. */
        this.pos = 0;
    }
    /**
     * Generate YAML tokens from the `source` string. If `incomplete`,
     * a part of the last line may be left as a buffer for the next call.
     *
     * @returns A generator of lexical tokens
     */
    *lex(source, incomplete = false) {
        if (source) {
            if (typeof source !== 'string')
                throw TypeError('source is not a string');
            this.buffer = this.buffer ? this.buffer + source : source;
            this.lineEndPos = null;
        }
        this.atEnd = !incomplete;
        let next = this.next ?? 'stream';
        while (next && (incomplete || this.hasChars(1)))
            next = yield* this.parseNext(next);
    }
    atLineEnd() {
        let i = this.pos;
        let ch = this.buffer[i];
        while (ch === ' ' || ch === '\t')
            ch = this.buffer[++i];
        if (!ch || ch === '#' || ch === '\n')
            return true;
        if (ch === '\r')
            return this.buffer[i + 1] === '\n';
        return false;
    }
    charAt(n) {
        return this.buffer[this.pos + n];
    }
    continueScalar(offset) {
        let ch = this.buffer[offset];
        if (this.indentNext > 0) {
            let indent = 0;
            while (ch === ' ')
                ch = this.buffer[++indent + offset];
            if (ch === '\r') {
                const next = this.buffer[indent + offset + 1];
                if (next === '\n' || (!next && !this.atEnd))
                    return offset + indent + 1;
            }
            return ch === '\n' || indent >= this.indentNext || (!ch && !this.atEnd)
                ? offset + indent
                : -1;
        }
        if (ch === '-' || ch === '.') {
            const dt = this.buffer.substr(offset, 3);
            if ((dt === '---' || dt === '...') && isEmpty(this.buffer[offset + 3]))
                return -1;
        }
        return offset;
    }
    getLine() {
        let end = this.lineEndPos;
        if (typeof end !== 'number' || (end !== -1 && end < this.pos)) {
            end = this.buffer.indexOf('\n', this.pos);
            this.lineEndPos = end;
        }
        if (end === -1)
            return this.atEnd ? this.buffer.substring(this.pos) : null;
        if (this.buffer[end - 1] === '\r')
            end -= 1;
        return this.buffer.substring(this.pos, end);
    }
    hasChars(n) {
        return this.pos + n <= this.buffer.length;
    }
    setNext(state) {
        this.buffer = this.buffer.substring(this.pos);
        this.pos = 0;
        this.lineEndPos = null;
        this.next = state;
        return null;
    }
    peek(n) {
        return this.buffer.substr(this.pos, n);
    }
    *parseNext(next) {
        switch (next) {
            case 'stream':
                return yield* this.parseStream();
            case 'line-start':
                return yield* this.parseLineStart();
            case 'block-start':
                return yield* this.parseBlockStart();
            case 'doc':
                return yield* this.parseDocument();
            case 'flow':
                return yield* this.parseFlowCollection();
            case 'quoted-scalar':
                return yield* this.parseQuotedScalar();
            case 'block-scalar':
                return yield* this.parseBlockScalar();
            case 'plain-scalar':
                return yield* this.parsePlainScalar();
        }
    }
    *parseStream() {
        let line = this.getLine();
        if (line === null)
            return this.setNext('stream');
        if (line[0] === cst.BOM) {
            yield* this.pushCount(1);
            line = line.substring(1);
        }
        if (line[0] === '%') {
            let dirEnd = line.length;
            let cs = line.indexOf('#');
            while (cs !== -1) {
                const ch = line[cs - 1];
                if (ch === ' ' || ch === '\t') {
                    dirEnd = cs - 1;
                    break;
                }
                else {
                    cs = line.indexOf('#', cs + 1);
                }
            }
            while (true) {
                const ch = line[dirEnd - 1];
                if (ch === ' ' || ch === '\t')
                    dirEnd -= 1;
                else
                    break;
            }
            const n = (yield* this.pushCount(dirEnd)) + (yield* this.pushSpaces(true));
            yield* this.pushCount(line.length - n); // possible comment
            this.pushNewline();
            return 'stream';
        }
        if (this.atLineEnd()) {
            const sp = yield* this.pushSpaces(true);
            yield* this.pushCount(line.length - sp);
            yield* this.pushNewline();
            return 'stream';
        }
        yield cst.DOCUMENT;
        return yield* this.parseLineStart();
    }
    *parseLineStart() {
        const ch = this.charAt(0);
        if (!ch && !this.atEnd)
            return this.setNext('line-start');
        if (ch === '-' || ch === '.') {
            if (!this.atEnd && !this.hasChars(4))
                return this.setNext('line-start');
            const s = this.peek(3);
            if ((s === '---' || s === '...') && isEmpty(this.charAt(3))) {
                yield* this.pushCount(3);
                this.indentValue = 0;
                this.indentNext = 0;
                return s === '---' ? 'doc' : 'stream';
            }
        }
        this.indentValue = yield* this.pushSpaces(false);
        if (this.indentNext > this.indentValue && !isEmpty(this.charAt(1)))
            this.indentNext = this.indentValue;
        return yield* this.parseBlockStart();
    }
    *parseBlockStart() {
        const [ch0, ch1] = this.peek(2);
        if (!ch1 && !this.atEnd)
            return this.setNext('block-start');
        if ((ch0 === '-' || ch0 === '?' || ch0 === ':') && isEmpty(ch1)) {
            const n = (yield* this.pushCount(1)) + (yield* this.pushSpaces(true));
            this.indentNext = this.indentValue + 1;
            this.indentValue += n;
            return 'block-start';
        }
        return 'doc';
    }
    *parseDocument() {
        yield* this.pushSpaces(true);
        const line = this.getLine();
        if (line === null)
            return this.setNext('doc');
        let n = yield* this.pushIndicators();
        switch (line[n]) {
            case '#':
                yield* this.pushCount(line.length - n);
            // fallthrough
            case undefined:
                yield* this.pushNewline();
                return yield* this.parseLineStart();
            case '{':
            case '[':
                yield* this.pushCount(1);
                this.flowKey = false;
                this.flowLevel = 1;
                return 'flow';
            case '}':
            case ']':
                // this is an error
                yield* this.pushCount(1);
                return 'doc';
            case '*':
                yield* this.pushUntil(isNotAnchorChar);
                return 'doc';
            case '"':
            case "'":
                return yield* this.parseQuotedScalar();
            case '|':
            case '>':
                n += yield* this.parseBlockScalarHeader();
                n += yield* this.pushSpaces(true);
                yield* this.pushCount(line.length - n);
                yield* this.pushNewline();
                return yield* this.parseBlockScalar();
            default:
                return yield* this.parsePlainScalar();
        }
    }
    *parseFlowCollection() {
        let nl, sp;
        let indent = -1;
        do {
            nl = yield* this.pushNewline();
            if (nl > 0) {
                sp = yield* this.pushSpaces(false);
                this.indentValue = indent = sp;
            }
            else {
                sp = 0;
            }
            sp += yield* this.pushSpaces(true);
        } while (nl + sp > 0);
        const line = this.getLine();
        if (line === null)
            return this.setNext('flow');
        if ((indent !== -1 && indent < this.indentNext && line[0] !== '#') ||
            (indent === 0 &&
                (line.startsWith('---') || line.startsWith('...')) &&
                isEmpty(line[3]))) {
            // Allowing for the terminal ] or } at the same (rather than greater)
            // indent level as the initial [ or { is technically invalid, but
            // failing here would be surprising to users.
            const atFlowEndMarker = indent === this.indentNext - 1 &&
                this.flowLevel === 1 &&
                (line[0] === ']' || line[0] === '}');
            if (!atFlowEndMarker) {
                // this is an error
                this.flowLevel = 0;
                yield cst.FLOW_END;
                return yield* this.parseLineStart();
            }
        }
        let n = 0;
        while (line[n] === ',') {
            n += yield* this.pushCount(1);
            n += yield* this.pushSpaces(true);
            this.flowKey = false;
        }
        n += yield* this.pushIndicators();
        switch (line[n]) {
            case undefined:
                return 'flow';
            case '#':
                yield* this.pushCount(line.length - n);
                return 'flow';
            case '{':
            case '[':
                yield* this.pushCount(1);
                this.flowKey = false;
                this.flowLevel += 1;
                return 'flow';
            case '}':
            case ']':
                yield* this.pushCount(1);
                this.flowKey = true;
                this.flowLevel -= 1;
                return this.flowLevel ? 'flow' : 'doc';
            case '*':
                yield* this.pushUntil(isNotAnchorChar);
                return 'flow';
            case '"':
            case "'":
                this.flowKey = true;
                return yield* this.parseQuotedScalar();
            case ':': {
                const next = this.charAt(1);
                if (this.flowKey || isEmpty(next) || next === ',') {
                    this.flowKey = false;
                    yield* this.pushCount(1);
                    yield* this.pushSpaces(true);
                    return 'flow';
                }
            }
            // fallthrough
            default:
                this.flowKey = false;
                return yield* this.parsePlainScalar();
        }
    }
    *parseQuotedScalar() {
        const quote = this.charAt(0);
        let end = this.buffer.indexOf(quote, this.pos + 1);
        if (quote === "'") {
            while (end !== -1 && this.buffer[end + 1] === "'")
                end = this.buffer.indexOf("'", end + 2);
        }
        else {
            // double-quote
            while (end !== -1) {
                let n = 0;
                while (this.buffer[end - 1 - n] === '\\')
                    n += 1;
                if (n % 2 === 0)
                    break;
                end = this.buffer.indexOf('"', end + 1);
            }
        }
        // Only looking for newlines within the quotes
        const qb = this.buffer.substring(0, end);
        let nl = qb.indexOf('\n', this.pos);
        if (nl !== -1) {
            while (nl !== -1) {
                const cs = this.continueScalar(nl + 1);
                if (cs === -1)
                    break;
                nl = qb.indexOf('\n', cs);
            }
            if (nl !== -1) {
                // this is an error caused by an unexpected unindent
                end = nl - (qb[nl - 1] === '\r' ? 2 : 1);
            }
        }
        if (end === -1) {
            if (!this.atEnd)
                return this.setNext('quoted-scalar');
            end = this.buffer.length;
        }
        yield* this.pushToIndex(end + 1, false);
        return this.flowLevel ? 'flow' : 'doc';
    }
    *parseBlockScalarHeader() {
        this.blockScalarIndent = -1;
        this.blockScalarKeep = false;
        let i = this.pos;
        while (true) {
            const ch = this.buffer[++i];
            if (ch === '+')
                this.blockScalarKeep = true;
            else if (ch > '0' && ch <= '9')
                this.blockScalarIndent = Number(ch) - 1;
            else if (ch !== '-')
                break;
        }
        return yield* this.pushUntil(ch => isEmpty(ch) || ch === '#');
    }
    *parseBlockScalar() {
        let nl = this.pos - 1; // may be -1 if this.pos === 0
        let indent = 0;
        let ch;
        loop: for (let i = this.pos; (ch = this.buffer[i]); ++i) {
            switch (ch) {
                case ' ':
                    indent += 1;
                    break;
                case '\n':
                    nl = i;
                    indent = 0;
                    break;
                case '\r': {
                    const next = this.buffer[i + 1];
                    if (!next && !this.atEnd)
                        return this.setNext('block-scalar');
                    if (next === '\n')
                        break;
                } // fallthrough
                default:
                    break loop;
            }
        }
        if (!ch && !this.atEnd)
            return this.setNext('block-scalar');
        if (indent >= this.indentNext) {
            if (this.blockScalarIndent === -1)
                this.indentNext = indent;
            else {
                this.indentNext =
                    this.blockScalarIndent + (this.indentNext === 0 ? 1 : this.indentNext);
            }
            do {
                const cs = this.continueScalar(nl + 1);
                if (cs === -1)
                    break;
                nl = this.buffer.indexOf('\n', cs);
            } while (nl !== -1);
            if (nl === -1) {
                if (!this.atEnd)
                    return this.setNext('block-scalar');
                nl = this.buffer.length;
            }
        }
        // Trailing insufficiently indented tabs are invalid.
        // To catch that during parsing, we include them in the block scalar value.
        let i = nl + 1;
        ch = this.buffer[i];
        while (ch === ' ')
            ch = this.buffer[++i];
        if (ch === '\t') {
            while (ch === '\t' || ch === ' ' || ch === '\r' || ch === '\n')
                ch = this.buffer[++i];
            nl = i - 1;
        }
        else if (!this.blockScalarKeep) {
            do {
                let i = nl - 1;
                let ch = this.buffer[i];
                if (ch === '\r')
                    ch = this.buffer[--i];
                const lastChar = i; // Drop the line if last char not more indented
                while (ch === ' ')
                    ch = this.buffer[--i];
                if (ch === '\n' && i >= this.pos && i + 1 + indent > lastChar)
                    nl = i;
                else
                    break;
            } while (true);
        }
        yield cst.SCALAR;
        yield* this.pushToIndex(nl + 1, true);
        return yield* this.parseLineStart();
    }
    *parsePlainScalar() {
        const inFlow = this.flowLevel > 0;
        let end = this.pos - 1;
        let i = this.pos - 1;
        let ch;
        while ((ch = this.buffer[++i])) {
            if (ch === ':') {
                const next = this.buffer[i + 1];
                if (isEmpty(next) || (inFlow && flowIndicatorChars.has(next)))
                    break;
                end = i;
            }
            else if (isEmpty(ch)) {
                let next = this.buffer[i + 1];
                if (ch === '\r') {
                    if (next === '\n') {
                        i += 1;
                        ch = '\n';
                        next = this.buffer[i + 1];
                    }
                    else
                        end = i;
                }
                if (next === '#' || (inFlow && flowIndicatorChars.has(next)))
                    break;
                if (ch === '\n') {
                    const cs = this.continueScalar(i + 1);
                    if (cs === -1)
                        break;
                    i = Math.max(i, cs - 2); // to advance, but still account for ' #'
                }
            }
            else {
                if (inFlow && flowIndicatorChars.has(ch))
                    break;
                end = i;
            }
        }
        if (!ch && !this.atEnd)
            return this.setNext('plain-scalar');
        yield cst.SCALAR;
        yield* this.pushToIndex(end + 1, true);
        return inFlow ? 'flow' : 'doc';
    }
    *pushCount(n) {
        if (n > 0) {
            yield this.buffer.substr(this.pos, n);
            this.pos += n;
            return n;
        }
        return 0;
    }
    *pushToIndex(i, allowEmpty) {
        const s = this.buffer.slice(this.pos, i);
        if (s) {
            yield s;
            this.pos += s.length;
            return s.length;
        }
        else if (allowEmpty)
            yield '';
        return 0;
    }
    *pushIndicators() {
        let n = 0;
        loop: while (true) {
            switch (this.charAt(0)) {
                case '!':
                    n += yield* this.pushTag();
                    n += yield* this.pushSpaces(true);
                    continue loop;
                case '&':
                    n += yield* this.pushUntil(isNotAnchorChar);
                    n += yield* this.pushSpaces(true);
                    continue loop;
                case '-': // this is an error
                case '?': // this is an error outside flow collections
                case ':': {
                    const inFlow = this.flowLevel > 0;
                    const ch1 = this.charAt(1);
                    if (isEmpty(ch1) || (inFlow && flowIndicatorChars.has(ch1))) {
                        if (!inFlow)
                            this.indentNext = this.indentValue + 1;
                        else if (this.flowKey)
                            this.flowKey = false;
                        n += yield* this.pushCount(1);
                        n += yield* this.pushSpaces(true);
                        continue loop;
                    }
                }
            }
            break loop;
        }
        return n;
    }
    *pushTag() {
        if (this.charAt(1) === '<') {
            let i = this.pos + 2;
            let ch = this.buffer[i];
            while (!isEmpty(ch) && ch !== '>')
                ch = this.buffer[++i];
            return yield* this.pushToIndex(ch === '>' ? i + 1 : i, false);
        }
        else {
            let i = this.pos + 1;
            let ch = this.buffer[i];
            while (ch) {
                if (tagChars.has(ch))
                    ch = this.buffer[++i];
                else if (ch === '%' &&
                    hexDigits.has(this.buffer[i + 1]) &&
                    hexDigits.has(this.buffer[i + 2])) {
                    ch = this.buffer[(i += 3)];
                }
                else
                    break;
            }
            return yield* this.pushToIndex(i, false);
        }
    }
    *pushNewline() {
        const ch = this.buffer[this.pos];
        if (ch === '\n')
            return yield* this.pushCount(1);
        else if (ch === '\r' && this.charAt(1) === '\n')
            return yield* this.pushCount(2);
        else
            return 0;
    }
    *pushSpaces(allowTabs) {
        let i = this.pos - 1;
        let ch;
        do {
            ch = this.buffer[++i];
        } while (ch === ' ' || (allowTabs && ch === '\t'));
        const n = i - this.pos;
        if (n > 0) {
            yield this.buffer.substr(this.pos, n);
            this.pos = i;
        }
        return n;
    }
    *pushUntil(test) {
        let i = this.pos;
        let ch = this.buffer[i];
        while (!test(ch))
            ch = this.buffer[++i];
        return yield* this.pushToIndex(i, false);
    }
}

exports.Lexer = Lexer;


/***/ }),

/***/ 6628:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Tracks newlines during parsing in order to provide an efficient API for
 * determining the one-indexed `{ line, col }` position for any offset
 * within the input.
 */
class LineCounter {
    constructor() {
        this.lineStarts = [];
        /**
         * Should be called in ascending order. Otherwise, call
         * `lineCounter.lineStarts.sort()` before calling `linePos()`.
         */
        this.addNewLine = (offset) => this.lineStarts.push(offset);
        /**
         * Performs a binary search and returns the 1-indexed { line, col }
         * position of `offset`. If `line === 0`, `addNewLine` has never been
         * called or `offset` is before the first known newline.
         */
        this.linePos = (offset) => {
            let low = 0;
            let high = this.lineStarts.length;
            while (low < high) {
                const mid = (low + high) >> 1; // Math.floor((low + high) / 2)
                if (this.lineStarts[mid] < offset)
                    low = mid + 1;
                else
                    high = mid;
            }
            if (this.lineStarts[low] === offset)
                return { line: low + 1, col: 1 };
            if (low === 0)
                return { line: 0, col: offset };
            const start = this.lineStarts[low - 1];
            return { line: low, col: offset - start + 1 };
        };
    }
}

exports.LineCounter = LineCounter;


/***/ }),

/***/ 3456:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_process = __nccwpck_require__(932);
var cst = __nccwpck_require__(3461);
var lexer = __nccwpck_require__(361);

function includesToken(list, type) {
    for (let i = 0; i < list.length; ++i)
        if (list[i].type === type)
            return true;
    return false;
}
function findNonEmptyIndex(list) {
    for (let i = 0; i < list.length; ++i) {
        switch (list[i].type) {
            case 'space':
            case 'comment':
            case 'newline':
                break;
            default:
                return i;
        }
    }
    return -1;
}
function isFlowToken(token) {
    switch (token?.type) {
        case 'alias':
        case 'scalar':
        case 'single-quoted-scalar':
        case 'double-quoted-scalar':
        case 'flow-collection':
            return true;
        default:
            return false;
    }
}
function getPrevProps(parent) {
    switch (parent.type) {
        case 'document':
            return parent.start;
        case 'block-map': {
            const it = parent.items[parent.items.length - 1];
            return it.sep ?? it.start;
        }
        case 'block-seq':
            return parent.items[parent.items.length - 1].start;
        /* istanbul ignore next should not happen */
        default:
            return [];
    }
}
/** Note: May modify input array */
function getFirstKeyStartProps(prev) {
    if (prev.length === 0)
        return [];
    let i = prev.length;
    loop: while (--i >= 0) {
        switch (prev[i].type) {
            case 'doc-start':
            case 'explicit-key-ind':
            case 'map-value-ind':
            case 'seq-item-ind':
            case 'newline':
                break loop;
        }
    }
    while (prev[++i]?.type === 'space') {
        /* loop */
    }
    return prev.splice(i, prev.length);
}
function arrayPushArray(target, source) {
    // May exhaust call stack with large `source` array
    if (source.length < 1e5)
        Array.prototype.push.apply(target, source);
    else
        for (let i = 0; i < source.length; ++i)
            target.push(source[i]);
}
function fixFlowSeqItems(fc) {
    if (fc.start.type === 'flow-seq-start') {
        for (const it of fc.items) {
            if (it.sep &&
                !it.value &&
                !includesToken(it.start, 'explicit-key-ind') &&
                !includesToken(it.sep, 'map-value-ind')) {
                if (it.key)
                    it.value = it.key;
                delete it.key;
                if (isFlowToken(it.value)) {
                    if (it.value.end)
                        arrayPushArray(it.value.end, it.sep);
                    else
                        it.value.end = it.sep;
                }
                else
                    arrayPushArray(it.start, it.sep);
                delete it.sep;
            }
        }
    }
}
/**
 * A YAML concrete syntax tree (CST) parser
 *
 * ```ts
 * const src: string = ...
 * for (const token of new Parser().parse(src)) {
 *   // token: Token
 * }
 * ```
 *
 * To use the parser with a user-provided lexer:
 *
 * ```ts
 * function* parse(source: string, lexer: Lexer) {
 *   const parser = new Parser()
 *   for (const lexeme of lexer.lex(source))
 *     yield* parser.next(lexeme)
 *   yield* parser.end()
 * }
 *
 * const src: string = ...
 * const lexer = new Lexer()
 * for (const token of parse(src, lexer)) {
 *   // token: Token
 * }
 * ```
 */
class Parser {
    /**
     * @param onNewLine - If defined, called separately with the start position of
     *   each new line (in `parse()`, including the start of input).
     */
    constructor(onNewLine) {
        /** If true, space and sequence indicators count as indentation */
        this.atNewLine = true;
        /** If true, next token is a scalar value */
        this.atScalar = false;
        /** Current indentation level */
        this.indent = 0;
        /** Current offset since the start of parsing */
        this.offset = 0;
        /** On the same line with a block map key */
        this.onKeyLine = false;
        /** Top indicates the node that's currently being built */
        this.stack = [];
        /** The source of the current token, set in parse() */
        this.source = '';
        /** The type of the current token, set in parse() */
        this.type = '';
        // Must be defined after `next()`
        this.lexer = new lexer.Lexer();
        this.onNewLine = onNewLine;
    }
    /**
     * Parse `source` as a YAML stream.
     * If `incomplete`, a part of the last line may be left as a buffer for the next call.
     *
     * Errors are not thrown, but yielded as `{ type: 'error', message }` tokens.
     *
     * @returns A generator of tokens representing each directive, document, and other structure.
     */
    *parse(source, incomplete = false) {
        if (this.onNewLine && this.offset === 0)
            this.onNewLine(0);
        for (const lexeme of this.lexer.lex(source, incomplete))
            yield* this.next(lexeme);
        if (!incomplete)
            yield* this.end();
    }
    /**
     * Advance the parser by the `source` of one lexical token.
     */
    *next(source) {
        this.source = source;
        if (node_process.env.LOG_TOKENS)
            console.log('|', cst.prettyToken(source));
        if (this.atScalar) {
            this.atScalar = false;
            yield* this.step();
            this.offset += source.length;
            return;
        }
        const type = cst.tokenType(source);
        if (!type) {
            const message = `Not a YAML token: ${source}`;
            yield* this.pop({ type: 'error', offset: this.offset, message, source });
            this.offset += source.length;
        }
        else if (type === 'scalar') {
            this.atNewLine = false;
            this.atScalar = true;
            this.type = 'scalar';
        }
        else {
            this.type = type;
            yield* this.step();
            switch (type) {
                case 'newline':
                    this.atNewLine = true;
                    this.indent = 0;
                    if (this.onNewLine)
                        this.onNewLine(this.offset + source.length);
                    break;
                case 'space':
                    if (this.atNewLine && source[0] === ' ')
                        this.indent += source.length;
                    break;
                case 'explicit-key-ind':
                case 'map-value-ind':
                case 'seq-item-ind':
                    if (this.atNewLine)
                        this.indent += source.length;
                    break;
                case 'doc-mode':
                case 'flow-error-end':
                    return;
                default:
                    this.atNewLine = false;
            }
            this.offset += source.length;
        }
    }
    /** Call at end of input to push out any remaining constructions */
    *end() {
        while (this.stack.length > 0)
            yield* this.pop();
    }
    get sourceToken() {
        const st = {
            type: this.type,
            offset: this.offset,
            indent: this.indent,
            source: this.source
        };
        return st;
    }
    *step() {
        const top = this.peek(1);
        if (this.type === 'doc-end' && top?.type !== 'doc-end') {
            while (this.stack.length > 0)
                yield* this.pop();
            this.stack.push({
                type: 'doc-end',
                offset: this.offset,
                source: this.source
            });
            return;
        }
        if (!top)
            return yield* this.stream();
        switch (top.type) {
            case 'document':
                return yield* this.document(top);
            case 'alias':
            case 'scalar':
            case 'single-quoted-scalar':
            case 'double-quoted-scalar':
                return yield* this.scalar(top);
            case 'block-scalar':
                return yield* this.blockScalar(top);
            case 'block-map':
                return yield* this.blockMap(top);
            case 'block-seq':
                return yield* this.blockSequence(top);
            case 'flow-collection':
                return yield* this.flowCollection(top);
            case 'doc-end':
                return yield* this.documentEnd(top);
        }
        /* istanbul ignore next should not happen */
        yield* this.pop();
    }
    peek(n) {
        return this.stack[this.stack.length - n];
    }
    *pop(error) {
        const token = error ?? this.stack.pop();
        /* istanbul ignore if should not happen */
        if (!token) {
            const message = 'Tried to pop an empty stack';
            yield { type: 'error', offset: this.offset, source: '', message };
        }
        else if (this.stack.length === 0) {
            yield token;
        }
        else {
            const top = this.peek(1);
            if (token.type === 'block-scalar') {
                // Block scalars use their parent rather than header indent
                token.indent = 'indent' in top ? top.indent : 0;
            }
            else if (token.type === 'flow-collection' && top.type === 'document') {
                // Ignore all indent for top-level flow collections
                token.indent = 0;
            }
            if (token.type === 'flow-collection')
                fixFlowSeqItems(token);
            switch (top.type) {
                case 'document':
                    top.value = token;
                    break;
                case 'block-scalar':
                    top.props.push(token); // error
                    break;
                case 'block-map': {
                    const it = top.items[top.items.length - 1];
                    if (it.value) {
                        top.items.push({ start: [], key: token, sep: [] });
                        this.onKeyLine = true;
                        return;
                    }
                    else if (it.sep) {
                        it.value = token;
                    }
                    else {
                        Object.assign(it, { key: token, sep: [] });
                        this.onKeyLine = !it.explicitKey;
                        return;
                    }
                    break;
                }
                case 'block-seq': {
                    const it = top.items[top.items.length - 1];
                    if (it.value)
                        top.items.push({ start: [], value: token });
                    else
                        it.value = token;
                    break;
                }
                case 'flow-collection': {
                    const it = top.items[top.items.length - 1];
                    if (!it || it.value)
                        top.items.push({ start: [], key: token, sep: [] });
                    else if (it.sep)
                        it.value = token;
                    else
                        Object.assign(it, { key: token, sep: [] });
                    return;
                }
                /* istanbul ignore next should not happen */
                default:
                    yield* this.pop();
                    yield* this.pop(token);
            }
            if ((top.type === 'document' ||
                top.type === 'block-map' ||
                top.type === 'block-seq') &&
                (token.type === 'block-map' || token.type === 'block-seq')) {
                const last = token.items[token.items.length - 1];
                if (last &&
                    !last.sep &&
                    !last.value &&
                    last.start.length > 0 &&
                    findNonEmptyIndex(last.start) === -1 &&
                    (token.indent === 0 ||
                        last.start.every(st => st.type !== 'comment' || st.indent < token.indent))) {
                    if (top.type === 'document')
                        top.end = last.start;
                    else
                        top.items.push({ start: last.start });
                    token.items.splice(-1, 1);
                }
            }
        }
    }
    *stream() {
        switch (this.type) {
            case 'directive-line':
                yield { type: 'directive', offset: this.offset, source: this.source };
                return;
            case 'byte-order-mark':
            case 'space':
            case 'comment':
            case 'newline':
                yield this.sourceToken;
                return;
            case 'doc-mode':
            case 'doc-start': {
                const doc = {
                    type: 'document',
                    offset: this.offset,
                    start: []
                };
                if (this.type === 'doc-start')
                    doc.start.push(this.sourceToken);
                this.stack.push(doc);
                return;
            }
        }
        yield {
            type: 'error',
            offset: this.offset,
            message: `Unexpected ${this.type} token in YAML stream`,
            source: this.source
        };
    }
    *document(doc) {
        if (doc.value)
            return yield* this.lineEnd(doc);
        switch (this.type) {
            case 'doc-start': {
                if (findNonEmptyIndex(doc.start) !== -1) {
                    yield* this.pop();
                    yield* this.step();
                }
                else
                    doc.start.push(this.sourceToken);
                return;
            }
            case 'anchor':
            case 'tag':
            case 'space':
            case 'comment':
            case 'newline':
                doc.start.push(this.sourceToken);
                return;
        }
        const bv = this.startBlockValue(doc);
        if (bv)
            this.stack.push(bv);
        else {
            yield {
                type: 'error',
                offset: this.offset,
                message: `Unexpected ${this.type} token in YAML document`,
                source: this.source
            };
        }
    }
    *scalar(scalar) {
        if (this.type === 'map-value-ind') {
            const prev = getPrevProps(this.peek(2));
            const start = getFirstKeyStartProps(prev);
            let sep;
            if (scalar.end) {
                sep = scalar.end;
                sep.push(this.sourceToken);
                delete scalar.end;
            }
            else
                sep = [this.sourceToken];
            const map = {
                type: 'block-map',
                offset: scalar.offset,
                indent: scalar.indent,
                items: [{ start, key: scalar, sep }]
            };
            this.onKeyLine = true;
            this.stack[this.stack.length - 1] = map;
        }
        else
            yield* this.lineEnd(scalar);
    }
    *blockScalar(scalar) {
        switch (this.type) {
            case 'space':
            case 'comment':
            case 'newline':
                scalar.props.push(this.sourceToken);
                return;
            case 'scalar':
                scalar.source = this.source;
                // block-scalar source includes trailing newline
                this.atNewLine = true;
                this.indent = 0;
                if (this.onNewLine) {
                    let nl = this.source.indexOf('\n') + 1;
                    while (nl !== 0) {
                        this.onNewLine(this.offset + nl);
                        nl = this.source.indexOf('\n', nl) + 1;
                    }
                }
                yield* this.pop();
                break;
            /* istanbul ignore next should not happen */
            default:
                yield* this.pop();
                yield* this.step();
        }
    }
    *blockMap(map) {
        const it = map.items[map.items.length - 1];
        // it.sep is true-ish if pair already has key or : separator
        switch (this.type) {
            case 'newline':
                this.onKeyLine = false;
                if (it.value) {
                    const end = 'end' in it.value ? it.value.end : undefined;
                    const last = Array.isArray(end) ? end[end.length - 1] : undefined;
                    if (last?.type === 'comment')
                        end?.push(this.sourceToken);
                    else
                        map.items.push({ start: [this.sourceToken] });
                }
                else if (it.sep) {
                    it.sep.push(this.sourceToken);
                }
                else {
                    it.start.push(this.sourceToken);
                }
                return;
            case 'space':
            case 'comment':
                if (it.value) {
                    map.items.push({ start: [this.sourceToken] });
                }
                else if (it.sep) {
                    it.sep.push(this.sourceToken);
                }
                else {
                    if (this.atIndentedComment(it.start, map.indent)) {
                        const prev = map.items[map.items.length - 2];
                        const end = prev?.value?.end;
                        if (Array.isArray(end)) {
                            arrayPushArray(end, it.start);
                            end.push(this.sourceToken);
                            map.items.pop();
                            return;
                        }
                    }
                    it.start.push(this.sourceToken);
                }
                return;
        }
        if (this.indent >= map.indent) {
            const atMapIndent = !this.onKeyLine && this.indent === map.indent;
            const atNextItem = atMapIndent &&
                (it.sep || it.explicitKey) &&
                this.type !== 'seq-item-ind';
            // For empty nodes, assign newline-separated not indented empty tokens to following node
            let start = [];
            if (atNextItem && it.sep && !it.value) {
                const nl = [];
                for (let i = 0; i < it.sep.length; ++i) {
                    const st = it.sep[i];
                    switch (st.type) {
                        case 'newline':
                            nl.push(i);
                            break;
                        case 'space':
                            break;
                        case 'comment':
                            if (st.indent > map.indent)
                                nl.length = 0;
                            break;
                        default:
                            nl.length = 0;
                    }
                }
                if (nl.length >= 2)
                    start = it.sep.splice(nl[1]);
            }
            switch (this.type) {
                case 'anchor':
                case 'tag':
                    if (atNextItem || it.value) {
                        start.push(this.sourceToken);
                        map.items.push({ start });
                        this.onKeyLine = true;
                    }
                    else if (it.sep) {
                        it.sep.push(this.sourceToken);
                    }
                    else {
                        it.start.push(this.sourceToken);
                    }
                    return;
                case 'explicit-key-ind':
                    if (!it.sep && !it.explicitKey) {
                        it.start.push(this.sourceToken);
                        it.explicitKey = true;
                    }
                    else if (atNextItem || it.value) {
                        start.push(this.sourceToken);
                        map.items.push({ start, explicitKey: true });
                    }
                    else {
                        this.stack.push({
                            type: 'block-map',
                            offset: this.offset,
                            indent: this.indent,
                            items: [{ start: [this.sourceToken], explicitKey: true }]
                        });
                    }
                    this.onKeyLine = true;
                    return;
                case 'map-value-ind':
                    if (it.explicitKey) {
                        if (!it.sep) {
                            if (includesToken(it.start, 'newline')) {
                                Object.assign(it, { key: null, sep: [this.sourceToken] });
                            }
                            else {
                                const start = getFirstKeyStartProps(it.start);
                                this.stack.push({
                                    type: 'block-map',
                                    offset: this.offset,
                                    indent: this.indent,
                                    items: [{ start, key: null, sep: [this.sourceToken] }]
                                });
                            }
                        }
                        else if (it.value) {
                            map.items.push({ start: [], key: null, sep: [this.sourceToken] });
                        }
                        else if (includesToken(it.sep, 'map-value-ind')) {
                            this.stack.push({
                                type: 'block-map',
                                offset: this.offset,
                                indent: this.indent,
                                items: [{ start, key: null, sep: [this.sourceToken] }]
                            });
                        }
                        else if (isFlowToken(it.key) &&
                            !includesToken(it.sep, 'newline')) {
                            const start = getFirstKeyStartProps(it.start);
                            const key = it.key;
                            const sep = it.sep;
                            sep.push(this.sourceToken);
                            // @ts-expect-error type guard is wrong here
                            delete it.key;
                            // @ts-expect-error type guard is wrong here
                            delete it.sep;
                            this.stack.push({
                                type: 'block-map',
                                offset: this.offset,
                                indent: this.indent,
                                items: [{ start, key, sep }]
                            });
                        }
                        else if (start.length > 0) {
                            // Not actually at next item
                            it.sep = it.sep.concat(start, this.sourceToken);
                        }
                        else {
                            it.sep.push(this.sourceToken);
                        }
                    }
                    else {
                        if (!it.sep) {
                            Object.assign(it, { key: null, sep: [this.sourceToken] });
                        }
                        else if (it.value || atNextItem) {
                            map.items.push({ start, key: null, sep: [this.sourceToken] });
                        }
                        else if (includesToken(it.sep, 'map-value-ind')) {
                            this.stack.push({
                                type: 'block-map',
                                offset: this.offset,
                                indent: this.indent,
                                items: [{ start: [], key: null, sep: [this.sourceToken] }]
                            });
                        }
                        else {
                            it.sep.push(this.sourceToken);
                        }
                    }
                    this.onKeyLine = true;
                    return;
                case 'alias':
                case 'scalar':
                case 'single-quoted-scalar':
                case 'double-quoted-scalar': {
                    const fs = this.flowScalar(this.type);
                    if (atNextItem || it.value) {
                        map.items.push({ start, key: fs, sep: [] });
                        this.onKeyLine = true;
                    }
                    else if (it.sep) {
                        this.stack.push(fs);
                    }
                    else {
                        Object.assign(it, { key: fs, sep: [] });
                        this.onKeyLine = true;
                    }
                    return;
                }
                default: {
                    const bv = this.startBlockValue(map);
                    if (bv) {
                        if (bv.type === 'block-seq') {
                            if (!it.explicitKey &&
                                it.sep &&
                                !includesToken(it.sep, 'newline')) {
                                yield* this.pop({
                                    type: 'error',
                                    offset: this.offset,
                                    message: 'Unexpected block-seq-ind on same line with key',
                                    source: this.source
                                });
                                return;
                            }
                        }
                        else if (atMapIndent) {
                            map.items.push({ start });
                        }
                        this.stack.push(bv);
                        return;
                    }
                }
            }
        }
        yield* this.pop();
        yield* this.step();
    }
    *blockSequence(seq) {
        const it = seq.items[seq.items.length - 1];
        switch (this.type) {
            case 'newline':
                if (it.value) {
                    const end = 'end' in it.value ? it.value.end : undefined;
                    const last = Array.isArray(end) ? end[end.length - 1] : undefined;
                    if (last?.type === 'comment')
                        end?.push(this.sourceToken);
                    else
                        seq.items.push({ start: [this.sourceToken] });
                }
                else
                    it.start.push(this.sourceToken);
                return;
            case 'space':
            case 'comment':
                if (it.value)
                    seq.items.push({ start: [this.sourceToken] });
                else {
                    if (this.atIndentedComment(it.start, seq.indent)) {
                        const prev = seq.items[seq.items.length - 2];
                        const end = prev?.value?.end;
                        if (Array.isArray(end)) {
                            arrayPushArray(end, it.start);
                            end.push(this.sourceToken);
                            seq.items.pop();
                            return;
                        }
                    }
                    it.start.push(this.sourceToken);
                }
                return;
            case 'anchor':
            case 'tag':
                if (it.value || this.indent <= seq.indent)
                    break;
                it.start.push(this.sourceToken);
                return;
            case 'seq-item-ind':
                if (this.indent !== seq.indent)
                    break;
                if (it.value || includesToken(it.start, 'seq-item-ind'))
                    seq.items.push({ start: [this.sourceToken] });
                else
                    it.start.push(this.sourceToken);
                return;
        }
        if (this.indent > seq.indent) {
            const bv = this.startBlockValue(seq);
            if (bv) {
                this.stack.push(bv);
                return;
            }
        }
        yield* this.pop();
        yield* this.step();
    }
    *flowCollection(fc) {
        const it = fc.items[fc.items.length - 1];
        if (this.type === 'flow-error-end') {
            let top;
            do {
                yield* this.pop();
                top = this.peek(1);
            } while (top?.type === 'flow-collection');
        }
        else if (fc.end.length === 0) {
            switch (this.type) {
                case 'comma':
                case 'explicit-key-ind':
                    if (!it || it.sep)
                        fc.items.push({ start: [this.sourceToken] });
                    else
                        it.start.push(this.sourceToken);
                    return;
                case 'map-value-ind':
                    if (!it || it.value)
                        fc.items.push({ start: [], key: null, sep: [this.sourceToken] });
                    else if (it.sep)
                        it.sep.push(this.sourceToken);
                    else
                        Object.assign(it, { key: null, sep: [this.sourceToken] });
                    return;
                case 'space':
                case 'comment':
                case 'newline':
                case 'anchor':
                case 'tag':
                    if (!it || it.value)
                        fc.items.push({ start: [this.sourceToken] });
                    else if (it.sep)
                        it.sep.push(this.sourceToken);
                    else
                        it.start.push(this.sourceToken);
                    return;
                case 'alias':
                case 'scalar':
                case 'single-quoted-scalar':
                case 'double-quoted-scalar': {
                    const fs = this.flowScalar(this.type);
                    if (!it || it.value)
                        fc.items.push({ start: [], key: fs, sep: [] });
                    else if (it.sep)
                        this.stack.push(fs);
                    else
                        Object.assign(it, { key: fs, sep: [] });
                    return;
                }
                case 'flow-map-end':
                case 'flow-seq-end':
                    fc.end.push(this.sourceToken);
                    return;
            }
            const bv = this.startBlockValue(fc);
            /* istanbul ignore else should not happen */
            if (bv)
                this.stack.push(bv);
            else {
                yield* this.pop();
                yield* this.step();
            }
        }
        else {
            const parent = this.peek(2);
            if (parent.type === 'block-map' &&
                ((this.type === 'map-value-ind' && parent.indent === fc.indent) ||
                    (this.type === 'newline' &&
                        !parent.items[parent.items.length - 1].sep))) {
                yield* this.pop();
                yield* this.step();
            }
            else if (this.type === 'map-value-ind' &&
                parent.type !== 'flow-collection') {
                const prev = getPrevProps(parent);
                const start = getFirstKeyStartProps(prev);
                fixFlowSeqItems(fc);
                const sep = fc.end.splice(1, fc.end.length);
                sep.push(this.sourceToken);
                const map = {
                    type: 'block-map',
                    offset: fc.offset,
                    indent: fc.indent,
                    items: [{ start, key: fc, sep }]
                };
                this.onKeyLine = true;
                this.stack[this.stack.length - 1] = map;
            }
            else {
                yield* this.lineEnd(fc);
            }
        }
    }
    flowScalar(type) {
        if (this.onNewLine) {
            let nl = this.source.indexOf('\n') + 1;
            while (nl !== 0) {
                this.onNewLine(this.offset + nl);
                nl = this.source.indexOf('\n', nl) + 1;
            }
        }
        return {
            type,
            offset: this.offset,
            indent: this.indent,
            source: this.source
        };
    }
    startBlockValue(parent) {
        switch (this.type) {
            case 'alias':
            case 'scalar':
            case 'single-quoted-scalar':
            case 'double-quoted-scalar':
                return this.flowScalar(this.type);
            case 'block-scalar-header':
                return {
                    type: 'block-scalar',
                    offset: this.offset,
                    indent: this.indent,
                    props: [this.sourceToken],
                    source: ''
                };
            case 'flow-map-start':
            case 'flow-seq-start':
                return {
                    type: 'flow-collection',
                    offset: this.offset,
                    indent: this.indent,
                    start: this.sourceToken,
                    items: [],
                    end: []
                };
            case 'seq-item-ind':
                return {
                    type: 'block-seq',
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start: [this.sourceToken] }]
                };
            case 'explicit-key-ind': {
                this.onKeyLine = true;
                const prev = getPrevProps(parent);
                const start = getFirstKeyStartProps(prev);
                start.push(this.sourceToken);
                return {
                    type: 'block-map',
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start, explicitKey: true }]
                };
            }
            case 'map-value-ind': {
                this.onKeyLine = true;
                const prev = getPrevProps(parent);
                const start = getFirstKeyStartProps(prev);
                return {
                    type: 'block-map',
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start, key: null, sep: [this.sourceToken] }]
                };
            }
        }
        return null;
    }
    atIndentedComment(start, indent) {
        if (this.type !== 'comment')
            return false;
        if (this.indent <= indent)
            return false;
        return start.every(st => st.type === 'newline' || st.type === 'space');
    }
    *documentEnd(docEnd) {
        if (this.type !== 'doc-mode') {
            if (docEnd.end)
                docEnd.end.push(this.sourceToken);
            else
                docEnd.end = [this.sourceToken];
            if (this.type === 'newline')
                yield* this.pop();
        }
    }
    *lineEnd(token) {
        switch (this.type) {
            case 'comma':
            case 'doc-start':
            case 'doc-end':
            case 'flow-seq-end':
            case 'flow-map-end':
            case 'map-value-ind':
                yield* this.pop();
                yield* this.step();
                break;
            case 'newline':
                this.onKeyLine = false;
            // fallthrough
            case 'space':
            case 'comment':
            default:
                // all other values are errors
                if (token.end)
                    token.end.push(this.sourceToken);
                else
                    token.end = [this.sourceToken];
                if (this.type === 'newline')
                    yield* this.pop();
        }
    }
}

exports.Parser = Parser;


/***/ }),

/***/ 4047:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var composer = __nccwpck_require__(9984);
var Document = __nccwpck_require__(3021);
var errors = __nccwpck_require__(1464);
var log = __nccwpck_require__(7249);
var identity = __nccwpck_require__(1127);
var lineCounter = __nccwpck_require__(6628);
var parser = __nccwpck_require__(3456);

function parseOptions(options) {
    const prettyErrors = options.prettyErrors !== false;
    const lineCounter$1 = options.lineCounter || (prettyErrors && new lineCounter.LineCounter()) || null;
    return { lineCounter: lineCounter$1, prettyErrors };
}
/**
 * Parse the input as a stream of YAML documents.
 *
 * Documents should be separated from each other by `...` or `---` marker lines.
 *
 * @returns If an empty `docs` array is returned, it will be of type
 *   EmptyStream and contain additional stream information. In
 *   TypeScript, you should use `'empty' in docs` as a type guard for it.
 */
function parseAllDocuments(source, options = {}) {
    const { lineCounter, prettyErrors } = parseOptions(options);
    const parser$1 = new parser.Parser(lineCounter?.addNewLine);
    const composer$1 = new composer.Composer(options);
    const docs = Array.from(composer$1.compose(parser$1.parse(source)));
    if (prettyErrors && lineCounter)
        for (const doc of docs) {
            doc.errors.forEach(errors.prettifyError(source, lineCounter));
            doc.warnings.forEach(errors.prettifyError(source, lineCounter));
        }
    if (docs.length > 0)
        return docs;
    return Object.assign([], { empty: true }, composer$1.streamInfo());
}
/** Parse an input string into a single YAML.Document */
function parseDocument(source, options = {}) {
    const { lineCounter, prettyErrors } = parseOptions(options);
    const parser$1 = new parser.Parser(lineCounter?.addNewLine);
    const composer$1 = new composer.Composer(options);
    // `doc` is always set by compose.end(true) at the very latest
    let doc = null;
    for (const _doc of composer$1.compose(parser$1.parse(source), true, source.length)) {
        if (!doc)
            doc = _doc;
        else if (doc.options.logLevel !== 'silent') {
            doc.errors.push(new errors.YAMLParseError(_doc.range.slice(0, 2), 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
            break;
        }
    }
    if (prettyErrors && lineCounter) {
        doc.errors.forEach(errors.prettifyError(source, lineCounter));
        doc.warnings.forEach(errors.prettifyError(source, lineCounter));
    }
    return doc;
}
function parse(src, reviver, options) {
    let _reviver = undefined;
    if (typeof reviver === 'function') {
        _reviver = reviver;
    }
    else if (options === undefined && reviver && typeof reviver === 'object') {
        options = reviver;
    }
    const doc = parseDocument(src, options);
    if (!doc)
        return null;
    doc.warnings.forEach(warning => log.warn(doc.options.logLevel, warning));
    if (doc.errors.length > 0) {
        if (doc.options.logLevel !== 'silent')
            throw doc.errors[0];
        else
            doc.errors = [];
    }
    return doc.toJS(Object.assign({ reviver: _reviver }, options));
}
function stringify(value, replacer, options) {
    let _replacer = null;
    if (typeof replacer === 'function' || Array.isArray(replacer)) {
        _replacer = replacer;
    }
    else if (options === undefined && replacer) {
        options = replacer;
    }
    if (typeof options === 'string')
        options = options.length;
    if (typeof options === 'number') {
        const indent = Math.round(options);
        options = indent < 1 ? undefined : indent > 8 ? { indent: 8 } : { indent };
    }
    if (value === undefined) {
        const { keepUndefined } = options ?? replacer ?? {};
        if (!keepUndefined)
            return undefined;
    }
    if (identity.isDocument(value) && !_replacer)
        return value.toString(options);
    return new Document.Document(value, _replacer, options).toString(options);
}

exports.parse = parse;
exports.parseAllDocuments = parseAllDocuments;
exports.parseDocument = parseDocument;
exports.stringify = stringify;


/***/ }),

/***/ 5840:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var map = __nccwpck_require__(7451);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var tags = __nccwpck_require__(18);

const sortMapEntriesByKey = (a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
class Schema {
    constructor({ compat, customTags, merge, resolveKnownTags, schema, sortMapEntries, toStringDefaults }) {
        this.compat = Array.isArray(compat)
            ? tags.getTags(compat, 'compat')
            : compat
                ? tags.getTags(null, compat)
                : null;
        this.name = (typeof schema === 'string' && schema) || 'core';
        this.knownTags = resolveKnownTags ? tags.coreKnownTags : {};
        this.tags = tags.getTags(customTags, this.name, merge);
        this.toStringOptions = toStringDefaults ?? null;
        Object.defineProperty(this, identity.MAP, { value: map.map });
        Object.defineProperty(this, identity.SCALAR, { value: string.string });
        Object.defineProperty(this, identity.SEQ, { value: seq.seq });
        // Used by createMap()
        this.sortMapEntries =
            typeof sortMapEntries === 'function'
                ? sortMapEntries
                : sortMapEntries === true
                    ? sortMapEntriesByKey
                    : null;
    }
    clone() {
        const copy = Object.create(Schema.prototype, Object.getOwnPropertyDescriptors(this));
        copy.tags = this.tags.slice();
        return copy;
    }
}

exports.Schema = Schema;


/***/ }),

/***/ 7451:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var YAMLMap = __nccwpck_require__(4454);

const map = {
    collection: 'map',
    default: true,
    nodeClass: YAMLMap.YAMLMap,
    tag: 'tag:yaml.org,2002:map',
    resolve(map, onError) {
        if (!identity.isMap(map))
            onError('Expected a mapping for this tag');
        return map;
    },
    createNode: (schema, obj, ctx) => YAMLMap.YAMLMap.from(schema, obj, ctx)
};

exports.map = map;


/***/ }),

/***/ 3632:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

const nullTag = {
    identify: value => value == null,
    createNode: () => new Scalar.Scalar(null),
    default: true,
    tag: 'tag:yaml.org,2002:null',
    test: /^(?:~|[Nn]ull|NULL)?$/,
    resolve: () => new Scalar.Scalar(null),
    stringify: ({ source }, ctx) => typeof source === 'string' && nullTag.test.test(source)
        ? source
        : ctx.options.nullStr
};

exports.nullTag = nullTag;


/***/ }),

/***/ 1706:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var YAMLSeq = __nccwpck_require__(2223);

const seq = {
    collection: 'seq',
    default: true,
    nodeClass: YAMLSeq.YAMLSeq,
    tag: 'tag:yaml.org,2002:seq',
    resolve(seq, onError) {
        if (!identity.isSeq(seq))
            onError('Expected a sequence for this tag');
        return seq;
    },
    createNode: (schema, obj, ctx) => YAMLSeq.YAMLSeq.from(schema, obj, ctx)
};

exports.seq = seq;


/***/ }),

/***/ 6464:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyString = __nccwpck_require__(3069);

const string = {
    identify: value => typeof value === 'string',
    default: true,
    tag: 'tag:yaml.org,2002:str',
    resolve: str => str,
    stringify(item, ctx, onComment, onChompKeep) {
        ctx = Object.assign({ actualString: true }, ctx);
        return stringifyString.stringifyString(item, ctx, onComment, onChompKeep);
    }
};

exports.string = string;


/***/ }),

/***/ 3959:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

const boolTag = {
    identify: value => typeof value === 'boolean',
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
    resolve: str => new Scalar.Scalar(str[0] === 't' || str[0] === 'T'),
    stringify({ source, value }, ctx) {
        if (source && boolTag.test.test(source)) {
            const sv = source[0] === 't' || source[0] === 'T';
            if (value === sv)
                return source;
        }
        return value ? ctx.options.trueStr : ctx.options.falseStr;
    }
};

exports.boolTag = boolTag;


/***/ }),

/***/ 8405:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var stringifyNumber = __nccwpck_require__(8689);

const floatNaN = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    resolve: str => str.slice(-3).toLowerCase() === 'nan'
        ? NaN
        : str[0] === '-'
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY,
    stringify: stringifyNumber.stringifyNumber
};
const floatExp = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    format: 'EXP',
    test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
    resolve: str => parseFloat(str),
    stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
    }
};
const float = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
    resolve(str) {
        const node = new Scalar.Scalar(parseFloat(str));
        const dot = str.indexOf('.');
        if (dot !== -1 && str[str.length - 1] === '0')
            node.minFractionDigits = str.length - dot - 1;
        return node;
    },
    stringify: stringifyNumber.stringifyNumber
};

exports.float = float;
exports.floatExp = floatExp;
exports.floatNaN = floatNaN;


/***/ }),

/***/ 9874:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyNumber = __nccwpck_require__(8689);

const intIdentify = (value) => typeof value === 'bigint' || Number.isInteger(value);
const intResolve = (str, offset, radix, { intAsBigInt }) => (intAsBigInt ? BigInt(str) : parseInt(str.substring(offset), radix));
function intStringify(node, radix, prefix) {
    const { value } = node;
    if (intIdentify(value) && value >= 0)
        return prefix + value.toString(radix);
    return stringifyNumber.stringifyNumber(node);
}
const intOct = {
    identify: value => intIdentify(value) && value >= 0,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'OCT',
    test: /^0o[0-7]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 8, opt),
    stringify: node => intStringify(node, 8, '0o')
};
const int = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    test: /^[-+]?[0-9]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 0, 10, opt),
    stringify: stringifyNumber.stringifyNumber
};
const intHex = {
    identify: value => intIdentify(value) && value >= 0,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'HEX',
    test: /^0x[0-9a-fA-F]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 16, opt),
    stringify: node => intStringify(node, 16, '0x')
};

exports.int = int;
exports.intHex = intHex;
exports.intOct = intOct;


/***/ }),

/***/ 896:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var map = __nccwpck_require__(7451);
var _null = __nccwpck_require__(3632);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var bool = __nccwpck_require__(3959);
var float = __nccwpck_require__(8405);
var int = __nccwpck_require__(9874);

const schema = [
    map.map,
    seq.seq,
    string.string,
    _null.nullTag,
    bool.boolTag,
    int.intOct,
    int.int,
    int.intHex,
    float.floatNaN,
    float.floatExp,
    float.float
];

exports.schema = schema;


/***/ }),

/***/ 3559:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var map = __nccwpck_require__(7451);
var seq = __nccwpck_require__(1706);

function intIdentify(value) {
    return typeof value === 'bigint' || Number.isInteger(value);
}
const stringifyJSON = ({ value }) => JSON.stringify(value);
const jsonScalars = [
    {
        identify: value => typeof value === 'string',
        default: true,
        tag: 'tag:yaml.org,2002:str',
        resolve: str => str,
        stringify: stringifyJSON
    },
    {
        identify: value => value == null,
        createNode: () => new Scalar.Scalar(null),
        default: true,
        tag: 'tag:yaml.org,2002:null',
        test: /^null$/,
        resolve: () => null,
        stringify: stringifyJSON
    },
    {
        identify: value => typeof value === 'boolean',
        default: true,
        tag: 'tag:yaml.org,2002:bool',
        test: /^true$|^false$/,
        resolve: str => str === 'true',
        stringify: stringifyJSON
    },
    {
        identify: intIdentify,
        default: true,
        tag: 'tag:yaml.org,2002:int',
        test: /^-?(?:0|[1-9][0-9]*)$/,
        resolve: (str, _onError, { intAsBigInt }) => intAsBigInt ? BigInt(str) : parseInt(str, 10),
        stringify: ({ value }) => intIdentify(value) ? value.toString() : JSON.stringify(value)
    },
    {
        identify: value => typeof value === 'number',
        default: true,
        tag: 'tag:yaml.org,2002:float',
        test: /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?$/,
        resolve: str => parseFloat(str),
        stringify: stringifyJSON
    }
];
const jsonError = {
    default: true,
    tag: '',
    test: /^/,
    resolve(str, onError) {
        onError(`Unresolved plain scalar ${JSON.stringify(str)}`);
        return str;
    }
};
const schema = [map.map, seq.seq].concat(jsonScalars, jsonError);

exports.schema = schema;


/***/ }),

/***/ 18:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var map = __nccwpck_require__(7451);
var _null = __nccwpck_require__(3632);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var bool = __nccwpck_require__(3959);
var float = __nccwpck_require__(8405);
var int = __nccwpck_require__(9874);
var schema = __nccwpck_require__(896);
var schema$1 = __nccwpck_require__(3559);
var binary = __nccwpck_require__(6083);
var merge = __nccwpck_require__(452);
var omap = __nccwpck_require__(303);
var pairs = __nccwpck_require__(8385);
var schema$2 = __nccwpck_require__(5913);
var set = __nccwpck_require__(1528);
var timestamp = __nccwpck_require__(6752);

const schemas = new Map([
    ['core', schema.schema],
    ['failsafe', [map.map, seq.seq, string.string]],
    ['json', schema$1.schema],
    ['yaml11', schema$2.schema],
    ['yaml-1.1', schema$2.schema]
]);
const tagsByName = {
    binary: binary.binary,
    bool: bool.boolTag,
    float: float.float,
    floatExp: float.floatExp,
    floatNaN: float.floatNaN,
    floatTime: timestamp.floatTime,
    int: int.int,
    intHex: int.intHex,
    intOct: int.intOct,
    intTime: timestamp.intTime,
    map: map.map,
    merge: merge.merge,
    null: _null.nullTag,
    omap: omap.omap,
    pairs: pairs.pairs,
    seq: seq.seq,
    set: set.set,
    timestamp: timestamp.timestamp
};
const coreKnownTags = {
    'tag:yaml.org,2002:binary': binary.binary,
    'tag:yaml.org,2002:merge': merge.merge,
    'tag:yaml.org,2002:omap': omap.omap,
    'tag:yaml.org,2002:pairs': pairs.pairs,
    'tag:yaml.org,2002:set': set.set,
    'tag:yaml.org,2002:timestamp': timestamp.timestamp
};
function getTags(customTags, schemaName, addMergeTag) {
    const schemaTags = schemas.get(schemaName);
    if (schemaTags && !customTags) {
        return addMergeTag && !schemaTags.includes(merge.merge)
            ? schemaTags.concat(merge.merge)
            : schemaTags.slice();
    }
    let tags = schemaTags;
    if (!tags) {
        if (Array.isArray(customTags))
            tags = [];
        else {
            const keys = Array.from(schemas.keys())
                .filter(key => key !== 'yaml11')
                .map(key => JSON.stringify(key))
                .join(', ');
            throw new Error(`Unknown schema "${schemaName}"; use one of ${keys} or define customTags array`);
        }
    }
    if (Array.isArray(customTags)) {
        for (const tag of customTags)
            tags = tags.concat(tag);
    }
    else if (typeof customTags === 'function') {
        tags = customTags(tags.slice());
    }
    if (addMergeTag)
        tags = tags.concat(merge.merge);
    return tags.reduce((tags, tag) => {
        const tagObj = typeof tag === 'string' ? tagsByName[tag] : tag;
        if (!tagObj) {
            const tagName = JSON.stringify(tag);
            const keys = Object.keys(tagsByName)
                .map(key => JSON.stringify(key))
                .join(', ');
            throw new Error(`Unknown custom tag ${tagName}; use one of ${keys}`);
        }
        if (!tags.includes(tagObj))
            tags.push(tagObj);
        return tags;
    }, []);
}

exports.coreKnownTags = coreKnownTags;
exports.getTags = getTags;


/***/ }),

/***/ 6083:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_buffer = __nccwpck_require__(181);
var Scalar = __nccwpck_require__(3301);
var stringifyString = __nccwpck_require__(3069);

const binary = {
    identify: value => value instanceof Uint8Array, // Buffer inherits from Uint8Array
    default: false,
    tag: 'tag:yaml.org,2002:binary',
    /**
     * Returns a Buffer in node and an Uint8Array in browsers
     *
     * To use the resulting buffer as an image, you'll want to do something like:
     *
     *   const blob = new Blob([buffer], { type: 'image/jpeg' })
     *   document.querySelector('#photo').src = URL.createObjectURL(blob)
     */
    resolve(src, onError) {
        if (typeof node_buffer.Buffer === 'function') {
            return node_buffer.Buffer.from(src, 'base64');
        }
        else if (typeof atob === 'function') {
            // On IE 11, atob() can't handle newlines
            const str = atob(src.replace(/[\n\r]/g, ''));
            const buffer = new Uint8Array(str.length);
            for (let i = 0; i < str.length; ++i)
                buffer[i] = str.charCodeAt(i);
            return buffer;
        }
        else {
            onError('This environment does not support reading binary tags; either Buffer or atob is required');
            return src;
        }
    },
    stringify({ comment, type, value }, ctx, onComment, onChompKeep) {
        if (!value)
            return '';
        const buf = value; // checked earlier by binary.identify()
        let str;
        if (typeof node_buffer.Buffer === 'function') {
            str =
                buf instanceof node_buffer.Buffer
                    ? buf.toString('base64')
                    : node_buffer.Buffer.from(buf.buffer).toString('base64');
        }
        else if (typeof btoa === 'function') {
            let s = '';
            for (let i = 0; i < buf.length; ++i)
                s += String.fromCharCode(buf[i]);
            str = btoa(s);
        }
        else {
            throw new Error('This environment does not support writing binary tags; either Buffer or btoa is required');
        }
        type ?? (type = Scalar.Scalar.BLOCK_LITERAL);
        if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
            const lineWidth = Math.max(ctx.options.lineWidth - ctx.indent.length, ctx.options.minContentWidth);
            const n = Math.ceil(str.length / lineWidth);
            const lines = new Array(n);
            for (let i = 0, o = 0; i < n; ++i, o += lineWidth) {
                lines[i] = str.substr(o, lineWidth);
            }
            str = lines.join(type === Scalar.Scalar.BLOCK_LITERAL ? '\n' : ' ');
        }
        return stringifyString.stringifyString({ comment, type, value: str }, ctx, onComment, onChompKeep);
    }
};

exports.binary = binary;


/***/ }),

/***/ 8398:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

function boolStringify({ value, source }, ctx) {
    const boolObj = value ? trueTag : falseTag;
    if (source && boolObj.test.test(source))
        return source;
    return value ? ctx.options.trueStr : ctx.options.falseStr;
}
const trueTag = {
    identify: value => value === true,
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
    resolve: () => new Scalar.Scalar(true),
    stringify: boolStringify
};
const falseTag = {
    identify: value => value === false,
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
    resolve: () => new Scalar.Scalar(false),
    stringify: boolStringify
};

exports.falseTag = falseTag;
exports.trueTag = trueTag;


/***/ }),

/***/ 5782:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var stringifyNumber = __nccwpck_require__(8689);

const floatNaN = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    resolve: (str) => str.slice(-3).toLowerCase() === 'nan'
        ? NaN
        : str[0] === '-'
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY,
    stringify: stringifyNumber.stringifyNumber
};
const floatExp = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    format: 'EXP',
    test: /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
    resolve: (str) => parseFloat(str.replace(/_/g, '')),
    stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
    }
};
const float = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
    resolve(str) {
        const node = new Scalar.Scalar(parseFloat(str.replace(/_/g, '')));
        const dot = str.indexOf('.');
        if (dot !== -1) {
            const f = str.substring(dot + 1).replace(/_/g, '');
            if (f[f.length - 1] === '0')
                node.minFractionDigits = f.length;
        }
        return node;
    },
    stringify: stringifyNumber.stringifyNumber
};

exports.float = float;
exports.floatExp = floatExp;
exports.floatNaN = floatNaN;


/***/ }),

/***/ 873:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyNumber = __nccwpck_require__(8689);

const intIdentify = (value) => typeof value === 'bigint' || Number.isInteger(value);
function intResolve(str, offset, radix, { intAsBigInt }) {
    const sign = str[0];
    if (sign === '-' || sign === '+')
        offset += 1;
    str = str.substring(offset).replace(/_/g, '');
    if (intAsBigInt) {
        switch (radix) {
            case 2:
                str = `0b${str}`;
                break;
            case 8:
                str = `0o${str}`;
                break;
            case 16:
                str = `0x${str}`;
                break;
        }
        const n = BigInt(str);
        return sign === '-' ? BigInt(-1) * n : n;
    }
    const n = parseInt(str, radix);
    return sign === '-' ? -1 * n : n;
}
function intStringify(node, radix, prefix) {
    const { value } = node;
    if (intIdentify(value)) {
        const str = value.toString(radix);
        return value < 0 ? '-' + prefix + str.substr(1) : prefix + str;
    }
    return stringifyNumber.stringifyNumber(node);
}
const intBin = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'BIN',
    test: /^[-+]?0b[0-1_]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 2, opt),
    stringify: node => intStringify(node, 2, '0b')
};
const intOct = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'OCT',
    test: /^[-+]?0[0-7_]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 1, 8, opt),
    stringify: node => intStringify(node, 8, '0')
};
const int = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    test: /^[-+]?[0-9][0-9_]*$/,
    resolve: (str, _onError, opt) => intResolve(str, 0, 10, opt),
    stringify: stringifyNumber.stringifyNumber
};
const intHex = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'HEX',
    test: /^[-+]?0x[0-9a-fA-F_]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 16, opt),
    stringify: node => intStringify(node, 16, '0x')
};

exports.int = int;
exports.intBin = intBin;
exports.intHex = intHex;
exports.intOct = intOct;


/***/ }),

/***/ 452:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);

// If the value associated with a merge key is a single mapping node, each of
// its key/value pairs is inserted into the current mapping, unless the key
// already exists in it. If the value associated with the merge key is a
// sequence, then this sequence is expected to contain mapping nodes and each
// of these nodes is merged in turn according to its order in the sequence.
// Keys in mapping nodes earlier in the sequence override keys specified in
// later mapping nodes. -- http://yaml.org/type/merge.html
const MERGE_KEY = '<<';
const merge = {
    identify: value => value === MERGE_KEY ||
        (typeof value === 'symbol' && value.description === MERGE_KEY),
    default: 'key',
    tag: 'tag:yaml.org,2002:merge',
    test: /^<<$/,
    resolve: () => Object.assign(new Scalar.Scalar(Symbol(MERGE_KEY)), {
        addToJSMap: addMergeToJSMap
    }),
    stringify: () => MERGE_KEY
};
const isMergeKey = (ctx, key) => (merge.identify(key) ||
    (identity.isScalar(key) &&
        (!key.type || key.type === Scalar.Scalar.PLAIN) &&
        merge.identify(key.value))) &&
    ctx?.doc.schema.tags.some(tag => tag.tag === merge.tag && tag.default);
function addMergeToJSMap(ctx, map, value) {
    const source = resolveAliasValue(ctx, value);
    if (identity.isSeq(source))
        for (const it of source.items)
            mergeValue(ctx, map, it);
    else if (Array.isArray(source))
        for (const it of source)
            mergeValue(ctx, map, it);
    else
        mergeValue(ctx, map, source);
}
function mergeValue(ctx, map, value) {
    const source = resolveAliasValue(ctx, value);
    if (!identity.isMap(source))
        throw new Error('Merge sources must be maps or map aliases');
    const srcMap = source.toJSON(null, ctx, Map);
    for (const [key, value] of srcMap) {
        if (map instanceof Map) {
            if (!map.has(key))
                map.set(key, value);
        }
        else if (map instanceof Set) {
            map.add(key);
        }
        else if (!Object.prototype.hasOwnProperty.call(map, key)) {
            Object.defineProperty(map, key, {
                value,
                writable: true,
                enumerable: true,
                configurable: true
            });
        }
    }
    return map;
}
function resolveAliasValue(ctx, value) {
    return ctx && identity.isAlias(value) ? value.resolve(ctx.doc, ctx) : value;
}

exports.addMergeToJSMap = addMergeToJSMap;
exports.isMergeKey = isMergeKey;
exports.merge = merge;


/***/ }),

/***/ 303:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var toJS = __nccwpck_require__(4043);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var pairs = __nccwpck_require__(8385);

class YAMLOMap extends YAMLSeq.YAMLSeq {
    constructor() {
        super();
        this.add = YAMLMap.YAMLMap.prototype.add.bind(this);
        this.delete = YAMLMap.YAMLMap.prototype.delete.bind(this);
        this.get = YAMLMap.YAMLMap.prototype.get.bind(this);
        this.has = YAMLMap.YAMLMap.prototype.has.bind(this);
        this.set = YAMLMap.YAMLMap.prototype.set.bind(this);
        this.tag = YAMLOMap.tag;
    }
    /**
     * If `ctx` is given, the return type is actually `Map<unknown, unknown>`,
     * but TypeScript won't allow widening the signature of a child method.
     */
    toJSON(_, ctx) {
        if (!ctx)
            return super.toJSON(_);
        const map = new Map();
        if (ctx?.onCreate)
            ctx.onCreate(map);
        for (const pair of this.items) {
            let key, value;
            if (identity.isPair(pair)) {
                key = toJS.toJS(pair.key, '', ctx);
                value = toJS.toJS(pair.value, key, ctx);
            }
            else {
                key = toJS.toJS(pair, '', ctx);
            }
            if (map.has(key))
                throw new Error('Ordered maps must not include duplicate keys');
            map.set(key, value);
        }
        return map;
    }
    static from(schema, iterable, ctx) {
        const pairs$1 = pairs.createPairs(schema, iterable, ctx);
        const omap = new this();
        omap.items = pairs$1.items;
        return omap;
    }
}
YAMLOMap.tag = 'tag:yaml.org,2002:omap';
const omap = {
    collection: 'seq',
    identify: value => value instanceof Map,
    nodeClass: YAMLOMap,
    default: false,
    tag: 'tag:yaml.org,2002:omap',
    resolve(seq, onError) {
        const pairs$1 = pairs.resolvePairs(seq, onError);
        const seenKeys = [];
        for (const { key } of pairs$1.items) {
            if (identity.isScalar(key)) {
                if (seenKeys.includes(key.value)) {
                    onError(`Ordered maps must not include duplicate keys: ${key.value}`);
                }
                else {
                    seenKeys.push(key.value);
                }
            }
        }
        return Object.assign(new YAMLOMap(), pairs$1);
    },
    createNode: (schema, iterable, ctx) => YAMLOMap.from(schema, iterable, ctx)
};

exports.YAMLOMap = YAMLOMap;
exports.omap = omap;


/***/ }),

/***/ 8385:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var Scalar = __nccwpck_require__(3301);
var YAMLSeq = __nccwpck_require__(2223);

function resolvePairs(seq, onError) {
    if (identity.isSeq(seq)) {
        for (let i = 0; i < seq.items.length; ++i) {
            let item = seq.items[i];
            if (identity.isPair(item))
                continue;
            else if (identity.isMap(item)) {
                if (item.items.length > 1)
                    onError('Each pair must have its own sequence indicator');
                const pair = item.items[0] || new Pair.Pair(new Scalar.Scalar(null));
                if (item.commentBefore)
                    pair.key.commentBefore = pair.key.commentBefore
                        ? `${item.commentBefore}\n${pair.key.commentBefore}`
                        : item.commentBefore;
                if (item.comment) {
                    const cn = pair.value ?? pair.key;
                    cn.comment = cn.comment
                        ? `${item.comment}\n${cn.comment}`
                        : item.comment;
                }
                item = pair;
            }
            seq.items[i] = identity.isPair(item) ? item : new Pair.Pair(item);
        }
    }
    else
        onError('Expected a sequence for this tag');
    return seq;
}
function createPairs(schema, iterable, ctx) {
    const { replacer } = ctx;
    const pairs = new YAMLSeq.YAMLSeq(schema);
    pairs.tag = 'tag:yaml.org,2002:pairs';
    let i = 0;
    if (iterable && Symbol.iterator in Object(iterable))
        for (let it of iterable) {
            if (typeof replacer === 'function')
                it = replacer.call(iterable, String(i++), it);
            let key, value;
            if (Array.isArray(it)) {
                if (it.length === 2) {
                    key = it[0];
                    value = it[1];
                }
                else
                    throw new TypeError(`Expected [key, value] tuple: ${it}`);
            }
            else if (it && it instanceof Object) {
                const keys = Object.keys(it);
                if (keys.length === 1) {
                    key = keys[0];
                    value = it[key];
                }
                else {
                    throw new TypeError(`Expected tuple with one key, not ${keys.length} keys`);
                }
            }
            else {
                key = it;
            }
            pairs.items.push(Pair.createPair(key, value, ctx));
        }
    return pairs;
}
const pairs = {
    collection: 'seq',
    default: false,
    tag: 'tag:yaml.org,2002:pairs',
    resolve: resolvePairs,
    createNode: createPairs
};

exports.createPairs = createPairs;
exports.pairs = pairs;
exports.resolvePairs = resolvePairs;


/***/ }),

/***/ 5913:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var map = __nccwpck_require__(7451);
var _null = __nccwpck_require__(3632);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var binary = __nccwpck_require__(6083);
var bool = __nccwpck_require__(8398);
var float = __nccwpck_require__(5782);
var int = __nccwpck_require__(873);
var merge = __nccwpck_require__(452);
var omap = __nccwpck_require__(303);
var pairs = __nccwpck_require__(8385);
var set = __nccwpck_require__(1528);
var timestamp = __nccwpck_require__(6752);

const schema = [
    map.map,
    seq.seq,
    string.string,
    _null.nullTag,
    bool.trueTag,
    bool.falseTag,
    int.intBin,
    int.intOct,
    int.int,
    int.intHex,
    float.floatNaN,
    float.floatExp,
    float.float,
    binary.binary,
    merge.merge,
    omap.omap,
    pairs.pairs,
    set.set,
    timestamp.intTime,
    timestamp.floatTime,
    timestamp.timestamp
];

exports.schema = schema;


/***/ }),

/***/ 1528:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var YAMLMap = __nccwpck_require__(4454);

class YAMLSet extends YAMLMap.YAMLMap {
    constructor(schema) {
        super(schema);
        this.tag = YAMLSet.tag;
    }
    add(key) {
        let pair;
        if (identity.isPair(key))
            pair = key;
        else if (key &&
            typeof key === 'object' &&
            'key' in key &&
            'value' in key &&
            key.value === null)
            pair = new Pair.Pair(key.key, null);
        else
            pair = new Pair.Pair(key, null);
        const prev = YAMLMap.findPair(this.items, pair.key);
        if (!prev)
            this.items.push(pair);
    }
    /**
     * If `keepPair` is `true`, returns the Pair matching `key`.
     * Otherwise, returns the value of that Pair's key.
     */
    get(key, keepPair) {
        const pair = YAMLMap.findPair(this.items, key);
        return !keepPair && identity.isPair(pair)
            ? identity.isScalar(pair.key)
                ? pair.key.value
                : pair.key
            : pair;
    }
    set(key, value) {
        if (typeof value !== 'boolean')
            throw new Error(`Expected boolean value for set(key, value) in a YAML set, not ${typeof value}`);
        const prev = YAMLMap.findPair(this.items, key);
        if (prev && !value) {
            this.items.splice(this.items.indexOf(prev), 1);
        }
        else if (!prev && value) {
            this.items.push(new Pair.Pair(key));
        }
    }
    toJSON(_, ctx) {
        return super.toJSON(_, ctx, Set);
    }
    toString(ctx, onComment, onChompKeep) {
        if (!ctx)
            return JSON.stringify(this);
        if (this.hasAllNullValues(true))
            return super.toString(Object.assign({}, ctx, { allNullValues: true }), onComment, onChompKeep);
        else
            throw new Error('Set items must all have null values');
    }
    static from(schema, iterable, ctx) {
        const { replacer } = ctx;
        const set = new this(schema);
        if (iterable && Symbol.iterator in Object(iterable))
            for (let value of iterable) {
                if (typeof replacer === 'function')
                    value = replacer.call(iterable, value, value);
                set.items.push(Pair.createPair(value, null, ctx));
            }
        return set;
    }
}
YAMLSet.tag = 'tag:yaml.org,2002:set';
const set = {
    collection: 'map',
    identify: value => value instanceof Set,
    nodeClass: YAMLSet,
    default: false,
    tag: 'tag:yaml.org,2002:set',
    createNode: (schema, iterable, ctx) => YAMLSet.from(schema, iterable, ctx),
    resolve(map, onError) {
        if (identity.isMap(map)) {
            if (map.hasAllNullValues(true))
                return Object.assign(new YAMLSet(), map);
            else
                onError('Set items must all have null values');
        }
        else
            onError('Expected a mapping for this tag');
        return map;
    }
};

exports.YAMLSet = YAMLSet;
exports.set = set;


/***/ }),

/***/ 6752:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyNumber = __nccwpck_require__(8689);

/** Internal types handle bigint as number, because TS can't figure it out. */
function parseSexagesimal(str, asBigInt) {
    const sign = str[0];
    const parts = sign === '-' || sign === '+' ? str.substring(1) : str;
    const num = (n) => asBigInt ? BigInt(n) : Number(n);
    const res = parts
        .replace(/_/g, '')
        .split(':')
        .reduce((res, p) => res * num(60) + num(p), num(0));
    return (sign === '-' ? num(-1) * res : res);
}
/**
 * hhhh:mm:ss.sss
 *
 * Internal types handle bigint as number, because TS can't figure it out.
 */
function stringifySexagesimal(node) {
    let { value } = node;
    let num = (n) => n;
    if (typeof value === 'bigint')
        num = n => BigInt(n);
    else if (isNaN(value) || !isFinite(value))
        return stringifyNumber.stringifyNumber(node);
    let sign = '';
    if (value < 0) {
        sign = '-';
        value *= num(-1);
    }
    const _60 = num(60);
    const parts = [value % _60]; // seconds, including ms
    if (value < 60) {
        parts.unshift(0); // at least one : is required
    }
    else {
        value = (value - parts[0]) / _60;
        parts.unshift(value % _60); // minutes
        if (value >= 60) {
            value = (value - parts[0]) / _60;
            parts.unshift(value); // hours
        }
    }
    return (sign +
        parts
            .map(n => String(n).padStart(2, '0'))
            .join(':')
            .replace(/000000\d*$/, '') // % 60 may introduce error
    );
}
const intTime = {
    identify: value => typeof value === 'bigint' || Number.isInteger(value),
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'TIME',
    test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
    resolve: (str, _onError, { intAsBigInt }) => parseSexagesimal(str, intAsBigInt),
    stringify: stringifySexagesimal
};
const floatTime = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    format: 'TIME',
    test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
    resolve: str => parseSexagesimal(str, false),
    stringify: stringifySexagesimal
};
const timestamp = {
    identify: value => value instanceof Date,
    default: true,
    tag: 'tag:yaml.org,2002:timestamp',
    // If the time zone is omitted, the timestamp is assumed to be specified in UTC. The time part
    // may be omitted altogether, resulting in a date format. In such a case, the time part is
    // assumed to be 00:00:00Z (start of day, UTC).
    test: RegExp('^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})' + // YYYY-Mm-Dd
        '(?:' + // time is optional
        '(?:t|T|[ \\t]+)' + // t | T | whitespace
        '([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)' + // Hh:Mm:Ss(.ss)?
        '(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?' + // Z | +5 | -03:30
        ')?$'),
    resolve(str) {
        const match = str.match(timestamp.test);
        if (!match)
            throw new Error('!!timestamp expects a date, starting with yyyy-mm-dd');
        const [, year, month, day, hour, minute, second] = match.map(Number);
        const millisec = match[7] ? Number((match[7] + '00').substr(1, 3)) : 0;
        let date = Date.UTC(year, month - 1, day, hour || 0, minute || 0, second || 0, millisec);
        const tz = match[8];
        if (tz && tz !== 'Z') {
            let d = parseSexagesimal(tz, false);
            if (Math.abs(d) < 30)
                d *= 60;
            date -= 60000 * d;
        }
        return new Date(date);
    },
    stringify: ({ value }) => value?.toISOString().replace(/(T00:00:00)?\.000Z$/, '') ?? ''
};

exports.floatTime = floatTime;
exports.intTime = intTime;
exports.timestamp = timestamp;


/***/ }),

/***/ 4475:
/***/ ((__unused_webpack_module, exports) => {



const FOLD_FLOW = 'flow';
const FOLD_BLOCK = 'block';
const FOLD_QUOTED = 'quoted';
/**
 * Tries to keep input at up to `lineWidth` characters, splitting only on spaces
 * not followed by newlines or spaces unless `mode` is `'quoted'`. Lines are
 * terminated with `\n` and started with `indent`.
 */
function foldFlowLines(text, indent, mode = 'flow', { indentAtStart, lineWidth = 80, minContentWidth = 20, onFold, onOverflow } = {}) {
    if (!lineWidth || lineWidth < 0)
        return text;
    if (lineWidth < minContentWidth)
        minContentWidth = 0;
    const endStep = Math.max(1 + minContentWidth, 1 + lineWidth - indent.length);
    if (text.length <= endStep)
        return text;
    const folds = [];
    const escapedFolds = {};
    let end = lineWidth - indent.length;
    if (typeof indentAtStart === 'number') {
        if (indentAtStart > lineWidth - Math.max(2, minContentWidth))
            folds.push(0);
        else
            end = lineWidth - indentAtStart;
    }
    let split = undefined;
    let prev = undefined;
    let overflow = false;
    let i = -1;
    let escStart = -1;
    let escEnd = -1;
    if (mode === FOLD_BLOCK) {
        i = consumeMoreIndentedLines(text, i, indent.length);
        if (i !== -1)
            end = i + endStep;
    }
    for (let ch; (ch = text[(i += 1)]);) {
        if (mode === FOLD_QUOTED && ch === '\\') {
            escStart = i;
            switch (text[i + 1]) {
                case 'x':
                    i += 3;
                    break;
                case 'u':
                    i += 5;
                    break;
                case 'U':
                    i += 9;
                    break;
                default:
                    i += 1;
            }
            escEnd = i;
        }
        if (ch === '\n') {
            if (mode === FOLD_BLOCK)
                i = consumeMoreIndentedLines(text, i, indent.length);
            end = i + indent.length + endStep;
            split = undefined;
        }
        else {
            if (ch === ' ' &&
                prev &&
                prev !== ' ' &&
                prev !== '\n' &&
                prev !== '\t') {
                // space surrounded by non-space can be replaced with newline + indent
                const next = text[i + 1];
                if (next && next !== ' ' && next !== '\n' && next !== '\t')
                    split = i;
            }
            if (i >= end) {
                if (split) {
                    folds.push(split);
                    end = split + endStep;
                    split = undefined;
                }
                else if (mode === FOLD_QUOTED) {
                    // white-space collected at end may stretch past lineWidth
                    while (prev === ' ' || prev === '\t') {
                        prev = ch;
                        ch = text[(i += 1)];
                        overflow = true;
                    }
                    // Account for newline escape, but don't break preceding escape
                    const j = i > escEnd + 1 ? i - 2 : escStart - 1;
                    // Bail out if lineWidth & minContentWidth are shorter than an escape string
                    if (escapedFolds[j])
                        return text;
                    folds.push(j);
                    escapedFolds[j] = true;
                    end = j + endStep;
                    split = undefined;
                }
                else {
                    overflow = true;
                }
            }
        }
        prev = ch;
    }
    if (overflow && onOverflow)
        onOverflow();
    if (folds.length === 0)
        return text;
    if (onFold)
        onFold();
    let res = text.slice(0, folds[0]);
    for (let i = 0; i < folds.length; ++i) {
        const fold = folds[i];
        const end = folds[i + 1] || text.length;
        if (fold === 0)
            res = `\n${indent}${text.slice(0, end)}`;
        else {
            if (mode === FOLD_QUOTED && escapedFolds[fold])
                res += `${text[fold]}\\`;
            res += `\n${indent}${text.slice(fold + 1, end)}`;
        }
    }
    return res;
}
/**
 * Presumes `i + 1` is at the start of a line
 * @returns index of last newline in more-indented block
 */
function consumeMoreIndentedLines(text, i, indent) {
    let end = i;
    let start = i + 1;
    let ch = text[start];
    while (ch === ' ' || ch === '\t') {
        if (i < start + indent) {
            ch = text[++i];
        }
        else {
            do {
                ch = text[++i];
            } while (ch && ch !== '\n');
            end = i;
            start = i + 1;
            ch = text[start];
        }
    }
    return end;
}

exports.FOLD_BLOCK = FOLD_BLOCK;
exports.FOLD_FLOW = FOLD_FLOW;
exports.FOLD_QUOTED = FOLD_QUOTED;
exports.foldFlowLines = foldFlowLines;


/***/ }),

/***/ 2148:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var anchors = __nccwpck_require__(1596);
var identity = __nccwpck_require__(1127);
var stringifyComment = __nccwpck_require__(9799);
var stringifyString = __nccwpck_require__(3069);

function createStringifyContext(doc, options) {
    const opt = Object.assign({
        blockQuote: true,
        commentString: stringifyComment.stringifyComment,
        defaultKeyType: null,
        defaultStringType: 'PLAIN',
        directives: null,
        doubleQuotedAsJSON: false,
        doubleQuotedMinMultiLineLength: 40,
        falseStr: 'false',
        flowCollectionPadding: true,
        indentSeq: true,
        lineWidth: 80,
        minContentWidth: 20,
        nullStr: 'null',
        simpleKeys: false,
        singleQuote: null,
        trailingComma: false,
        trueStr: 'true',
        verifyAliasOrder: true
    }, doc.schema.toStringOptions, options);
    let inFlow;
    switch (opt.collectionStyle) {
        case 'block':
            inFlow = false;
            break;
        case 'flow':
            inFlow = true;
            break;
        default:
            inFlow = null;
    }
    return {
        anchors: new Set(),
        doc,
        flowCollectionPadding: opt.flowCollectionPadding ? ' ' : '',
        indent: '',
        indentStep: typeof opt.indent === 'number' ? ' '.repeat(opt.indent) : '  ',
        inFlow,
        options: opt
    };
}
function getTagObject(tags, item) {
    if (item.tag) {
        const match = tags.filter(t => t.tag === item.tag);
        if (match.length > 0)
            return match.find(t => t.format === item.format) ?? match[0];
    }
    let tagObj = undefined;
    let obj;
    if (identity.isScalar(item)) {
        obj = item.value;
        let match = tags.filter(t => t.identify?.(obj));
        if (match.length > 1) {
            const testMatch = match.filter(t => t.test);
            if (testMatch.length > 0)
                match = testMatch;
        }
        tagObj =
            match.find(t => t.format === item.format) ?? match.find(t => !t.format);
    }
    else {
        obj = item;
        tagObj = tags.find(t => t.nodeClass && obj instanceof t.nodeClass);
    }
    if (!tagObj) {
        const name = obj?.constructor?.name ?? (obj === null ? 'null' : typeof obj);
        throw new Error(`Tag not resolved for ${name} value`);
    }
    return tagObj;
}
// needs to be called before value stringifier to allow for circular anchor refs
function stringifyProps(node, tagObj, { anchors: anchors$1, doc }) {
    if (!doc.directives)
        return '';
    const props = [];
    const anchor = (identity.isScalar(node) || identity.isCollection(node)) && node.anchor;
    if (anchor && anchors.anchorIsValid(anchor)) {
        anchors$1.add(anchor);
        props.push(`&${anchor}`);
    }
    const tag = node.tag ?? (tagObj.default ? null : tagObj.tag);
    if (tag)
        props.push(doc.directives.tagString(tag));
    return props.join(' ');
}
function stringify(item, ctx, onComment, onChompKeep) {
    if (identity.isPair(item))
        return item.toString(ctx, onComment, onChompKeep);
    if (identity.isAlias(item)) {
        if (ctx.doc.directives)
            return item.toString(ctx);
        if (ctx.resolvedAliases?.has(item)) {
            throw new TypeError(`Cannot stringify circular structure without alias nodes`);
        }
        else {
            if (ctx.resolvedAliases)
                ctx.resolvedAliases.add(item);
            else
                ctx.resolvedAliases = new Set([item]);
            item = item.resolve(ctx.doc);
        }
    }
    let tagObj = undefined;
    const node = identity.isNode(item)
        ? item
        : ctx.doc.createNode(item, { onTagObj: o => (tagObj = o) });
    tagObj ?? (tagObj = getTagObject(ctx.doc.schema.tags, node));
    const props = stringifyProps(node, tagObj, ctx);
    if (props.length > 0)
        ctx.indentAtStart = (ctx.indentAtStart ?? 0) + props.length + 1;
    const str = typeof tagObj.stringify === 'function'
        ? tagObj.stringify(node, ctx, onComment, onChompKeep)
        : identity.isScalar(node)
            ? stringifyString.stringifyString(node, ctx, onComment, onChompKeep)
            : node.toString(ctx, onComment, onChompKeep);
    if (!props)
        return str;
    return identity.isScalar(node) || str[0] === '{' || str[0] === '['
        ? `${props} ${str}`
        : `${props}\n${ctx.indent}${str}`;
}

exports.createStringifyContext = createStringifyContext;
exports.stringify = stringify;


/***/ }),

/***/ 1212:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var stringify = __nccwpck_require__(2148);
var stringifyComment = __nccwpck_require__(9799);

function stringifyCollection(collection, ctx, options) {
    const flow = ctx.inFlow ?? collection.flow;
    const stringify = flow ? stringifyFlowCollection : stringifyBlockCollection;
    return stringify(collection, ctx, options);
}
function stringifyBlockCollection({ comment, items }, ctx, { blockItemPrefix, flowChars, itemIndent, onChompKeep, onComment }) {
    const { indent, options: { commentString } } = ctx;
    const itemCtx = Object.assign({}, ctx, { indent: itemIndent, type: null });
    let chompKeep = false; // flag for the preceding node's status
    const lines = [];
    for (let i = 0; i < items.length; ++i) {
        const item = items[i];
        let comment = null;
        if (identity.isNode(item)) {
            if (!chompKeep && item.spaceBefore)
                lines.push('');
            addCommentBefore(ctx, lines, item.commentBefore, chompKeep);
            if (item.comment)
                comment = item.comment;
        }
        else if (identity.isPair(item)) {
            const ik = identity.isNode(item.key) ? item.key : null;
            if (ik) {
                if (!chompKeep && ik.spaceBefore)
                    lines.push('');
                addCommentBefore(ctx, lines, ik.commentBefore, chompKeep);
            }
        }
        chompKeep = false;
        let str = stringify.stringify(item, itemCtx, () => (comment = null), () => (chompKeep = true));
        if (comment)
            str += stringifyComment.lineComment(str, itemIndent, commentString(comment));
        if (chompKeep && comment)
            chompKeep = false;
        lines.push(blockItemPrefix + str);
    }
    let str;
    if (lines.length === 0) {
        str = flowChars.start + flowChars.end;
    }
    else {
        str = lines[0];
        for (let i = 1; i < lines.length; ++i) {
            const line = lines[i];
            str += line ? `\n${indent}${line}` : '\n';
        }
    }
    if (comment) {
        str += '\n' + stringifyComment.indentComment(commentString(comment), indent);
        if (onComment)
            onComment();
    }
    else if (chompKeep && onChompKeep)
        onChompKeep();
    return str;
}
function stringifyFlowCollection({ items }, ctx, { flowChars, itemIndent }) {
    const { indent, indentStep, flowCollectionPadding: fcPadding, options: { commentString } } = ctx;
    itemIndent += indentStep;
    const itemCtx = Object.assign({}, ctx, {
        indent: itemIndent,
        inFlow: true,
        type: null
    });
    let reqNewline = false;
    let linesAtValue = 0;
    const lines = [];
    for (let i = 0; i < items.length; ++i) {
        const item = items[i];
        let comment = null;
        if (identity.isNode(item)) {
            if (item.spaceBefore)
                lines.push('');
            addCommentBefore(ctx, lines, item.commentBefore, false);
            if (item.comment)
                comment = item.comment;
        }
        else if (identity.isPair(item)) {
            const ik = identity.isNode(item.key) ? item.key : null;
            if (ik) {
                if (ik.spaceBefore)
                    lines.push('');
                addCommentBefore(ctx, lines, ik.commentBefore, false);
                if (ik.comment)
                    reqNewline = true;
            }
            const iv = identity.isNode(item.value) ? item.value : null;
            if (iv) {
                if (iv.comment)
                    comment = iv.comment;
                if (iv.commentBefore)
                    reqNewline = true;
            }
            else if (item.value == null && ik?.comment) {
                comment = ik.comment;
            }
        }
        if (comment)
            reqNewline = true;
        let str = stringify.stringify(item, itemCtx, () => (comment = null));
        reqNewline || (reqNewline = lines.length > linesAtValue || str.includes('\n'));
        if (i < items.length - 1) {
            str += ',';
        }
        else if (ctx.options.trailingComma) {
            if (ctx.options.lineWidth > 0) {
                reqNewline || (reqNewline = lines.reduce((sum, line) => sum + line.length + 2, 2) +
                    (str.length + 2) >
                    ctx.options.lineWidth);
            }
            if (reqNewline) {
                str += ',';
            }
        }
        if (comment)
            str += stringifyComment.lineComment(str, itemIndent, commentString(comment));
        lines.push(str);
        linesAtValue = lines.length;
    }
    const { start, end } = flowChars;
    if (lines.length === 0) {
        return start + end;
    }
    else {
        if (!reqNewline) {
            const len = lines.reduce((sum, line) => sum + line.length + 2, 2);
            reqNewline = ctx.options.lineWidth > 0 && len > ctx.options.lineWidth;
        }
        if (reqNewline) {
            let str = start;
            for (const line of lines)
                str += line ? `\n${indentStep}${indent}${line}` : '\n';
            return `${str}\n${indent}${end}`;
        }
        else {
            return `${start}${fcPadding}${lines.join(' ')}${fcPadding}${end}`;
        }
    }
}
function addCommentBefore({ indent, options: { commentString } }, lines, comment, chompKeep) {
    if (comment && chompKeep)
        comment = comment.replace(/^\n+/, '');
    if (comment) {
        const ic = stringifyComment.indentComment(commentString(comment), indent);
        lines.push(ic.trimStart()); // Avoid double indent on first line
    }
}

exports.stringifyCollection = stringifyCollection;


/***/ }),

/***/ 9799:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Stringifies a comment.
 *
 * Empty comment lines are left empty,
 * lines consisting of a single space are replaced by `#`,
 * and all other lines are prefixed with a `#`.
 */
const stringifyComment = (str) => str.replace(/^(?!$)(?: $)?/gm, '#');
function indentComment(comment, indent) {
    if (/^\n+$/.test(comment))
        return comment.substring(1);
    return indent ? comment.replace(/^(?! *$)/gm, indent) : comment;
}
const lineComment = (str, indent, comment) => str.endsWith('\n')
    ? indentComment(comment, indent)
    : comment.includes('\n')
        ? '\n' + indentComment(comment, indent)
        : (str.endsWith(' ') ? '' : ' ') + comment;

exports.indentComment = indentComment;
exports.lineComment = lineComment;
exports.stringifyComment = stringifyComment;


/***/ }),

/***/ 6829:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var stringify = __nccwpck_require__(2148);
var stringifyComment = __nccwpck_require__(9799);

function stringifyDocument(doc, options) {
    const lines = [];
    let hasDirectives = options.directives === true;
    if (options.directives !== false && doc.directives) {
        const dir = doc.directives.toString(doc);
        if (dir) {
            lines.push(dir);
            hasDirectives = true;
        }
        else if (doc.directives.docStart)
            hasDirectives = true;
    }
    if (hasDirectives)
        lines.push('---');
    const ctx = stringify.createStringifyContext(doc, options);
    const { commentString } = ctx.options;
    if (doc.commentBefore) {
        if (lines.length !== 1)
            lines.unshift('');
        const cs = commentString(doc.commentBefore);
        lines.unshift(stringifyComment.indentComment(cs, ''));
    }
    let chompKeep = false;
    let contentComment = null;
    if (doc.contents) {
        if (identity.isNode(doc.contents)) {
            if (doc.contents.spaceBefore && hasDirectives)
                lines.push('');
            if (doc.contents.commentBefore) {
                const cs = commentString(doc.contents.commentBefore);
                lines.push(stringifyComment.indentComment(cs, ''));
            }
            // top-level block scalars need to be indented if followed by a comment
            ctx.forceBlockIndent = !!doc.comment;
            contentComment = doc.contents.comment;
        }
        const onChompKeep = contentComment ? undefined : () => (chompKeep = true);
        let body = stringify.stringify(doc.contents, ctx, () => (contentComment = null), onChompKeep);
        if (contentComment)
            body += stringifyComment.lineComment(body, '', commentString(contentComment));
        if ((body[0] === '|' || body[0] === '>') &&
            lines[lines.length - 1] === '---') {
            // Top-level block scalars with a preceding doc marker ought to use the
            // same line for their header.
            lines[lines.length - 1] = `--- ${body}`;
        }
        else
            lines.push(body);
    }
    else {
        lines.push(stringify.stringify(doc.contents, ctx));
    }
    if (doc.directives?.docEnd) {
        if (doc.comment) {
            const cs = commentString(doc.comment);
            if (cs.includes('\n')) {
                lines.push('...');
                lines.push(stringifyComment.indentComment(cs, ''));
            }
            else {
                lines.push(`... ${cs}`);
            }
        }
        else {
            lines.push('...');
        }
    }
    else {
        let dc = doc.comment;
        if (dc && chompKeep)
            dc = dc.replace(/^\n+/, '');
        if (dc) {
            if ((!chompKeep || contentComment) && lines[lines.length - 1] !== '')
                lines.push('');
            lines.push(stringifyComment.indentComment(commentString(dc), ''));
        }
    }
    return lines.join('\n') + '\n';
}

exports.stringifyDocument = stringifyDocument;


/***/ }),

/***/ 8689:
/***/ ((__unused_webpack_module, exports) => {



function stringifyNumber({ format, minFractionDigits, tag, value }) {
    if (typeof value === 'bigint')
        return String(value);
    const num = typeof value === 'number' ? value : Number(value);
    if (!isFinite(num))
        return isNaN(num) ? '.nan' : num < 0 ? '-.inf' : '.inf';
    let n = Object.is(value, -0) ? '-0' : JSON.stringify(value);
    if (!format &&
        minFractionDigits &&
        (!tag || tag === 'tag:yaml.org,2002:float') &&
        /^-?\d/.test(n) &&
        !n.includes('e')) {
        let i = n.indexOf('.');
        if (i < 0) {
            i = n.length;
            n += '.';
        }
        let d = minFractionDigits - (n.length - i - 1);
        while (d-- > 0)
            n += '0';
    }
    return n;
}

exports.stringifyNumber = stringifyNumber;


/***/ }),

/***/ 9748:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var stringify = __nccwpck_require__(2148);
var stringifyComment = __nccwpck_require__(9799);

function stringifyPair({ key, value }, ctx, onComment, onChompKeep) {
    const { allNullValues, doc, indent, indentStep, options: { commentString, indentSeq, simpleKeys } } = ctx;
    let keyComment = (identity.isNode(key) && key.comment) || null;
    if (simpleKeys) {
        if (keyComment) {
            throw new Error('With simple keys, key nodes cannot have comments');
        }
        if (identity.isCollection(key) || (!identity.isNode(key) && typeof key === 'object')) {
            const msg = 'With simple keys, collection cannot be used as a key value';
            throw new Error(msg);
        }
    }
    let explicitKey = !simpleKeys &&
        (!key ||
            (keyComment && value == null && !ctx.inFlow) ||
            identity.isCollection(key) ||
            (identity.isScalar(key)
                ? key.type === Scalar.Scalar.BLOCK_FOLDED || key.type === Scalar.Scalar.BLOCK_LITERAL
                : typeof key === 'object'));
    ctx = Object.assign({}, ctx, {
        allNullValues: false,
        implicitKey: !explicitKey && (simpleKeys || !allNullValues),
        indent: indent + indentStep
    });
    let keyCommentDone = false;
    let chompKeep = false;
    let str = stringify.stringify(key, ctx, () => (keyCommentDone = true), () => (chompKeep = true));
    if (!explicitKey && !ctx.inFlow && str.length > 1024) {
        if (simpleKeys)
            throw new Error('With simple keys, single line scalar must not span more than 1024 characters');
        explicitKey = true;
    }
    if (ctx.inFlow) {
        if (allNullValues || value == null) {
            if (keyCommentDone && onComment)
                onComment();
            return str === '' ? '?' : explicitKey ? `? ${str}` : str;
        }
    }
    else if ((allNullValues && !simpleKeys) || (value == null && explicitKey)) {
        str = `? ${str}`;
        if (keyComment && !keyCommentDone) {
            str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
        }
        else if (chompKeep && onChompKeep)
            onChompKeep();
        return str;
    }
    if (keyCommentDone)
        keyComment = null;
    if (explicitKey) {
        if (keyComment)
            str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
        str = `? ${str}\n${indent}:`;
    }
    else {
        str = `${str}:`;
        if (keyComment)
            str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
    }
    let vsb, vcb, valueComment;
    if (identity.isNode(value)) {
        vsb = !!value.spaceBefore;
        vcb = value.commentBefore;
        valueComment = value.comment;
    }
    else {
        vsb = false;
        vcb = null;
        valueComment = null;
        if (value && typeof value === 'object')
            value = doc.createNode(value);
    }
    ctx.implicitKey = false;
    if (!explicitKey && !keyComment && identity.isScalar(value))
        ctx.indentAtStart = str.length + 1;
    chompKeep = false;
    if (!indentSeq &&
        indentStep.length >= 2 &&
        !ctx.inFlow &&
        !explicitKey &&
        identity.isSeq(value) &&
        !value.flow &&
        !value.tag &&
        !value.anchor) {
        // If indentSeq === false, consider '- ' as part of indentation where possible
        ctx.indent = ctx.indent.substring(2);
    }
    let valueCommentDone = false;
    const valueStr = stringify.stringify(value, ctx, () => (valueCommentDone = true), () => (chompKeep = true));
    let ws = ' ';
    if (keyComment || vsb || vcb) {
        ws = vsb ? '\n' : '';
        if (vcb) {
            const cs = commentString(vcb);
            ws += `\n${stringifyComment.indentComment(cs, ctx.indent)}`;
        }
        if (valueStr === '' && !ctx.inFlow) {
            if (ws === '\n' && valueComment)
                ws = '\n\n';
        }
        else {
            ws += `\n${ctx.indent}`;
        }
    }
    else if (!explicitKey && identity.isCollection(value)) {
        const vs0 = valueStr[0];
        const nl0 = valueStr.indexOf('\n');
        const hasNewline = nl0 !== -1;
        const flow = ctx.inFlow ?? value.flow ?? value.items.length === 0;
        if (hasNewline || !flow) {
            let hasPropsLine = false;
            if (hasNewline && (vs0 === '&' || vs0 === '!')) {
                let sp0 = valueStr.indexOf(' ');
                if (vs0 === '&' &&
                    sp0 !== -1 &&
                    sp0 < nl0 &&
                    valueStr[sp0 + 1] === '!') {
                    sp0 = valueStr.indexOf(' ', sp0 + 1);
                }
                if (sp0 === -1 || nl0 < sp0)
                    hasPropsLine = true;
            }
            if (!hasPropsLine)
                ws = `\n${ctx.indent}`;
        }
    }
    else if (valueStr === '' || valueStr[0] === '\n') {
        ws = '';
    }
    str += ws + valueStr;
    if (ctx.inFlow) {
        if (valueCommentDone && onComment)
            onComment();
    }
    else if (valueComment && !valueCommentDone) {
        str += stringifyComment.lineComment(str, ctx.indent, commentString(valueComment));
    }
    else if (chompKeep && onChompKeep) {
        onChompKeep();
    }
    return str;
}

exports.stringifyPair = stringifyPair;


/***/ }),

/***/ 3069:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var foldFlowLines = __nccwpck_require__(4475);

const getFoldOptions = (ctx, isBlock) => ({
    indentAtStart: isBlock ? ctx.indent.length : ctx.indentAtStart,
    lineWidth: ctx.options.lineWidth,
    minContentWidth: ctx.options.minContentWidth
});
// Also checks for lines starting with %, as parsing the output as YAML 1.1 will
// presume that's starting a new document.
const containsDocumentMarker = (str) => /^(%|---|\.\.\.)/m.test(str);
function lineLengthOverLimit(str, lineWidth, indentLength) {
    if (!lineWidth || lineWidth < 0)
        return false;
    const limit = lineWidth - indentLength;
    const strLen = str.length;
    if (strLen <= limit)
        return false;
    for (let i = 0, start = 0; i < strLen; ++i) {
        if (str[i] === '\n') {
            if (i - start > limit)
                return true;
            start = i + 1;
            if (strLen - start <= limit)
                return false;
        }
    }
    return true;
}
function doubleQuotedString(value, ctx) {
    const json = JSON.stringify(value);
    if (ctx.options.doubleQuotedAsJSON)
        return json;
    const { implicitKey } = ctx;
    const minMultiLineLength = ctx.options.doubleQuotedMinMultiLineLength;
    const indent = ctx.indent || (containsDocumentMarker(value) ? '  ' : '');
    let str = '';
    let start = 0;
    for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
        if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
            // space before newline needs to be escaped to not be folded
            str += json.slice(start, i) + '\\ ';
            i += 1;
            start = i;
            ch = '\\';
        }
        if (ch === '\\')
            switch (json[i + 1]) {
                case 'u':
                    {
                        str += json.slice(start, i);
                        const code = json.substr(i + 2, 4);
                        switch (code) {
                            case '0000':
                                str += '\\0';
                                break;
                            case '0007':
                                str += '\\a';
                                break;
                            case '000b':
                                str += '\\v';
                                break;
                            case '001b':
                                str += '\\e';
                                break;
                            case '0085':
                                str += '\\N';
                                break;
                            case '00a0':
                                str += '\\_';
                                break;
                            case '2028':
                                str += '\\L';
                                break;
                            case '2029':
                                str += '\\P';
                                break;
                            default:
                                if (code.substr(0, 2) === '00')
                                    str += '\\x' + code.substr(2);
                                else
                                    str += json.substr(i, 6);
                        }
                        i += 5;
                        start = i + 1;
                    }
                    break;
                case 'n':
                    if (implicitKey ||
                        json[i + 2] === '"' ||
                        json.length < minMultiLineLength) {
                        i += 1;
                    }
                    else {
                        // folding will eat first newline
                        str += json.slice(start, i) + '\n\n';
                        while (json[i + 2] === '\\' &&
                            json[i + 3] === 'n' &&
                            json[i + 4] !== '"') {
                            str += '\n';
                            i += 2;
                        }
                        str += indent;
                        // space after newline needs to be escaped to not be folded
                        if (json[i + 2] === ' ')
                            str += '\\';
                        i += 1;
                        start = i + 1;
                    }
                    break;
                default:
                    i += 1;
            }
    }
    str = start ? str + json.slice(start) : json;
    return implicitKey
        ? str
        : foldFlowLines.foldFlowLines(str, indent, foldFlowLines.FOLD_QUOTED, getFoldOptions(ctx, false));
}
function singleQuotedString(value, ctx) {
    if (ctx.options.singleQuote === false ||
        (ctx.implicitKey && value.includes('\n')) ||
        /[ \t]\n|\n[ \t]/.test(value) // single quoted string can't have leading or trailing whitespace around newline
    )
        return doubleQuotedString(value, ctx);
    const indent = ctx.indent || (containsDocumentMarker(value) ? '  ' : '');
    const res = "'" + value.replace(/'/g, "''").replace(/\n+/g, `$&\n${indent}`) + "'";
    return ctx.implicitKey
        ? res
        : foldFlowLines.foldFlowLines(res, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
}
function quotedString(value, ctx) {
    const { singleQuote } = ctx.options;
    let qs;
    if (singleQuote === false)
        qs = doubleQuotedString;
    else {
        const hasDouble = value.includes('"');
        const hasSingle = value.includes("'");
        if (hasDouble && !hasSingle)
            qs = singleQuotedString;
        else if (hasSingle && !hasDouble)
            qs = doubleQuotedString;
        else
            qs = singleQuote ? singleQuotedString : doubleQuotedString;
    }
    return qs(value, ctx);
}
// The negative lookbehind avoids a polynomial search,
// but isn't supported yet on Safari: https://caniuse.com/js-regexp-lookbehind
let blockEndNewlines;
try {
    blockEndNewlines = new RegExp('(^|(?<!\n))\n+(?!\n|$)', 'g');
}
catch {
    blockEndNewlines = /\n+(?!\n|$)/g;
}
function blockString({ comment, type, value }, ctx, onComment, onChompKeep) {
    const { blockQuote, commentString, lineWidth } = ctx.options;
    // 1. Block can't end in whitespace unless the last line is non-empty.
    // 2. Strings consisting of only whitespace are best rendered explicitly.
    if (!blockQuote || /\n[\t ]+$/.test(value)) {
        return quotedString(value, ctx);
    }
    const indent = ctx.indent ||
        (ctx.forceBlockIndent || containsDocumentMarker(value) ? '  ' : '');
    const literal = blockQuote === 'literal'
        ? true
        : blockQuote === 'folded' || type === Scalar.Scalar.BLOCK_FOLDED
            ? false
            : type === Scalar.Scalar.BLOCK_LITERAL
                ? true
                : !lineLengthOverLimit(value, lineWidth, indent.length);
    if (!value)
        return literal ? '|\n' : '>\n';
    // determine chomping from whitespace at value end
    let chomp;
    let endStart;
    for (endStart = value.length; endStart > 0; --endStart) {
        const ch = value[endStart - 1];
        if (ch !== '\n' && ch !== '\t' && ch !== ' ')
            break;
    }
    let end = value.substring(endStart);
    const endNlPos = end.indexOf('\n');
    if (endNlPos === -1) {
        chomp = '-'; // strip
    }
    else if (value === end || endNlPos !== end.length - 1) {
        chomp = '+'; // keep
        if (onChompKeep)
            onChompKeep();
    }
    else {
        chomp = ''; // clip
    }
    if (end) {
        value = value.slice(0, -end.length);
        if (end[end.length - 1] === '\n')
            end = end.slice(0, -1);
        end = end.replace(blockEndNewlines, `$&${indent}`);
    }
    // determine indent indicator from whitespace at value start
    let startWithSpace = false;
    let startEnd;
    let startNlPos = -1;
    for (startEnd = 0; startEnd < value.length; ++startEnd) {
        const ch = value[startEnd];
        if (ch === ' ')
            startWithSpace = true;
        else if (ch === '\n')
            startNlPos = startEnd;
        else
            break;
    }
    let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
    if (start) {
        value = value.substring(start.length);
        start = start.replace(/\n+/g, `$&${indent}`);
    }
    const indentSize = indent ? '2' : '1'; // root is at -1
    // Leading | or > is added later
    let header = (startWithSpace ? indentSize : '') + chomp;
    if (comment) {
        header += ' ' + commentString(comment.replace(/ ?[\r\n]+/g, ' '));
        if (onComment)
            onComment();
    }
    if (!literal) {
        const foldedValue = value
            .replace(/\n+/g, '\n$&')
            .replace(/(?:^|\n)([\t ].*)(?:([\n\t ]*)\n(?![\n\t ]))?/g, '$1$2') // more-indented lines aren't folded
            //                ^ more-ind. ^ empty     ^ capture next empty lines only at end of indent
            .replace(/\n+/g, `$&${indent}`);
        let literalFallback = false;
        const foldOptions = getFoldOptions(ctx, true);
        if (blockQuote !== 'folded' && type !== Scalar.Scalar.BLOCK_FOLDED) {
            foldOptions.onOverflow = () => {
                literalFallback = true;
            };
        }
        const body = foldFlowLines.foldFlowLines(`${start}${foldedValue}${end}`, indent, foldFlowLines.FOLD_BLOCK, foldOptions);
        if (!literalFallback)
            return `>${header}\n${indent}${body}`;
    }
    value = value.replace(/\n+/g, `$&${indent}`);
    return `|${header}\n${indent}${start}${value}${end}`;
}
function plainString(item, ctx, onComment, onChompKeep) {
    const { type, value } = item;
    const { actualString, implicitKey, indent, indentStep, inFlow } = ctx;
    if ((implicitKey && value.includes('\n')) ||
        (inFlow && /[[\]{},]/.test(value))) {
        return quotedString(value, ctx);
    }
    if (/^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/.test(value)) {
        // not allowed:
        // - '-' or '?'
        // - start with an indicator character (except [?:-]) or /[?-] /
        // - '\n ', ': ' or ' \n' anywhere
        // - '#' not preceded by a non-space char
        // - end with ' ' or ':'
        return implicitKey || inFlow || !value.includes('\n')
            ? quotedString(value, ctx)
            : blockString(item, ctx, onComment, onChompKeep);
    }
    if (!implicitKey &&
        !inFlow &&
        type !== Scalar.Scalar.PLAIN &&
        value.includes('\n')) {
        // Where allowed & type not set explicitly, prefer block style for multiline strings
        return blockString(item, ctx, onComment, onChompKeep);
    }
    if (containsDocumentMarker(value)) {
        if (indent === '') {
            ctx.forceBlockIndent = true;
            return blockString(item, ctx, onComment, onChompKeep);
        }
        else if (implicitKey && indent === indentStep) {
            return quotedString(value, ctx);
        }
    }
    const str = value.replace(/\n+/g, `$&\n${indent}`);
    // Verify that output will be parsed as a string, as e.g. plain numbers and
    // booleans get parsed with those types in v1.2 (e.g. '42', 'true' & '0.9e-3'),
    // and others in v1.1.
    if (actualString) {
        const test = (tag) => tag.default && tag.tag !== 'tag:yaml.org,2002:str' && tag.test?.test(str);
        const { compat, tags } = ctx.doc.schema;
        if (tags.some(test) || compat?.some(test))
            return quotedString(value, ctx);
    }
    return implicitKey
        ? str
        : foldFlowLines.foldFlowLines(str, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
}
function stringifyString(item, ctx, onComment, onChompKeep) {
    const { implicitKey, inFlow } = ctx;
    const ss = typeof item.value === 'string'
        ? item
        : Object.assign({}, item, { value: String(item.value) });
    let { type } = item;
    if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
        // force double quotes on control characters & unpaired surrogates
        if (/[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u.test(ss.value))
            type = Scalar.Scalar.QUOTE_DOUBLE;
    }
    const _stringify = (_type) => {
        switch (_type) {
            case Scalar.Scalar.BLOCK_FOLDED:
            case Scalar.Scalar.BLOCK_LITERAL:
                return implicitKey || inFlow
                    ? quotedString(ss.value, ctx) // blocks are not valid inside flow containers
                    : blockString(ss, ctx, onComment, onChompKeep);
            case Scalar.Scalar.QUOTE_DOUBLE:
                return doubleQuotedString(ss.value, ctx);
            case Scalar.Scalar.QUOTE_SINGLE:
                return singleQuotedString(ss.value, ctx);
            case Scalar.Scalar.PLAIN:
                return plainString(ss, ctx, onComment, onChompKeep);
            default:
                return null;
        }
    };
    let res = _stringify(type);
    if (res === null) {
        const { defaultKeyType, defaultStringType } = ctx.options;
        const t = (implicitKey && defaultKeyType) || defaultStringType;
        res = _stringify(t);
        if (res === null)
            throw new Error(`Unsupported default string type ${t}`);
    }
    return res;
}

exports.stringifyString = stringifyString;


/***/ }),

/***/ 204:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);

const BREAK = Symbol('break visit');
const SKIP = Symbol('skip children');
const REMOVE = Symbol('remove node');
/**
 * Apply a visitor to an AST node or document.
 *
 * Walks through the tree (depth-first) starting from `node`, calling a
 * `visitor` function with three arguments:
 *   - `key`: For sequence values and map `Pair`, the node's index in the
 *     collection. Within a `Pair`, `'key'` or `'value'`, correspondingly.
 *     `null` for the root node.
 *   - `node`: The current node.
 *   - `path`: The ancestry of the current node.
 *
 * The return value of the visitor may be used to control the traversal:
 *   - `undefined` (default): Do nothing and continue
 *   - `visit.SKIP`: Do not visit the children of this node, continue with next
 *     sibling
 *   - `visit.BREAK`: Terminate traversal completely
 *   - `visit.REMOVE`: Remove the current node, then continue with the next one
 *   - `Node`: Replace the current node, then continue by visiting it
 *   - `number`: While iterating the items of a sequence or map, set the index
 *     of the next step. This is useful especially if the index of the current
 *     node has changed.
 *
 * If `visitor` is a single function, it will be called with all values
 * encountered in the tree, including e.g. `null` values. Alternatively,
 * separate visitor functions may be defined for each `Map`, `Pair`, `Seq`,
 * `Alias` and `Scalar` node. To define the same visitor function for more than
 * one node type, use the `Collection` (map and seq), `Value` (map, seq & scalar)
 * and `Node` (alias, map, seq & scalar) targets. Of all these, only the most
 * specific defined one will be used for each node.
 */
function visit(node, visitor) {
    const visitor_ = initVisitor(visitor);
    if (identity.isDocument(node)) {
        const cd = visit_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
            node.contents = null;
    }
    else
        visit_(null, node, visitor_, Object.freeze([]));
}
// Without the `as symbol` casts, TS declares these in the `visit`
// namespace using `var`, but then complains about that because
// `unique symbol` must be `const`.
/** Terminate visit traversal completely */
visit.BREAK = BREAK;
/** Do not visit the children of the current node */
visit.SKIP = SKIP;
/** Remove the current node */
visit.REMOVE = REMOVE;
function visit_(key, node, visitor, path) {
    const ctrl = callVisitor(key, node, visitor, path);
    if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visit_(key, ctrl, visitor, path);
    }
    if (typeof ctrl !== 'symbol') {
        if (identity.isCollection(node)) {
            path = Object.freeze(path.concat(node));
            for (let i = 0; i < node.items.length; ++i) {
                const ci = visit_(i, node.items[i], visitor, path);
                if (typeof ci === 'number')
                    i = ci - 1;
                else if (ci === BREAK)
                    return BREAK;
                else if (ci === REMOVE) {
                    node.items.splice(i, 1);
                    i -= 1;
                }
            }
        }
        else if (identity.isPair(node)) {
            path = Object.freeze(path.concat(node));
            const ck = visit_('key', node.key, visitor, path);
            if (ck === BREAK)
                return BREAK;
            else if (ck === REMOVE)
                node.key = null;
            const cv = visit_('value', node.value, visitor, path);
            if (cv === BREAK)
                return BREAK;
            else if (cv === REMOVE)
                node.value = null;
        }
    }
    return ctrl;
}
/**
 * Apply an async visitor to an AST node or document.
 *
 * Walks through the tree (depth-first) starting from `node`, calling a
 * `visitor` function with three arguments:
 *   - `key`: For sequence values and map `Pair`, the node's index in the
 *     collection. Within a `Pair`, `'key'` or `'value'`, correspondingly.
 *     `null` for the root node.
 *   - `node`: The current node.
 *   - `path`: The ancestry of the current node.
 *
 * The return value of the visitor may be used to control the traversal:
 *   - `Promise`: Must resolve to one of the following values
 *   - `undefined` (default): Do nothing and continue
 *   - `visit.SKIP`: Do not visit the children of this node, continue with next
 *     sibling
 *   - `visit.BREAK`: Terminate traversal completely
 *   - `visit.REMOVE`: Remove the current node, then continue with the next one
 *   - `Node`: Replace the current node, then continue by visiting it
 *   - `number`: While iterating the items of a sequence or map, set the index
 *     of the next step. This is useful especially if the index of the current
 *     node has changed.
 *
 * If `visitor` is a single function, it will be called with all values
 * encountered in the tree, including e.g. `null` values. Alternatively,
 * separate visitor functions may be defined for each `Map`, `Pair`, `Seq`,
 * `Alias` and `Scalar` node. To define the same visitor function for more than
 * one node type, use the `Collection` (map and seq), `Value` (map, seq & scalar)
 * and `Node` (alias, map, seq & scalar) targets. Of all these, only the most
 * specific defined one will be used for each node.
 */
async function visitAsync(node, visitor) {
    const visitor_ = initVisitor(visitor);
    if (identity.isDocument(node)) {
        const cd = await visitAsync_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
            node.contents = null;
    }
    else
        await visitAsync_(null, node, visitor_, Object.freeze([]));
}
// Without the `as symbol` casts, TS declares these in the `visit`
// namespace using `var`, but then complains about that because
// `unique symbol` must be `const`.
/** Terminate visit traversal completely */
visitAsync.BREAK = BREAK;
/** Do not visit the children of the current node */
visitAsync.SKIP = SKIP;
/** Remove the current node */
visitAsync.REMOVE = REMOVE;
async function visitAsync_(key, node, visitor, path) {
    const ctrl = await callVisitor(key, node, visitor, path);
    if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visitAsync_(key, ctrl, visitor, path);
    }
    if (typeof ctrl !== 'symbol') {
        if (identity.isCollection(node)) {
            path = Object.freeze(path.concat(node));
            for (let i = 0; i < node.items.length; ++i) {
                const ci = await visitAsync_(i, node.items[i], visitor, path);
                if (typeof ci === 'number')
                    i = ci - 1;
                else if (ci === BREAK)
                    return BREAK;
                else if (ci === REMOVE) {
                    node.items.splice(i, 1);
                    i -= 1;
                }
            }
        }
        else if (identity.isPair(node)) {
            path = Object.freeze(path.concat(node));
            const ck = await visitAsync_('key', node.key, visitor, path);
            if (ck === BREAK)
                return BREAK;
            else if (ck === REMOVE)
                node.key = null;
            const cv = await visitAsync_('value', node.value, visitor, path);
            if (cv === BREAK)
                return BREAK;
            else if (cv === REMOVE)
                node.value = null;
        }
    }
    return ctrl;
}
function initVisitor(visitor) {
    if (typeof visitor === 'object' &&
        (visitor.Collection || visitor.Node || visitor.Value)) {
        return Object.assign({
            Alias: visitor.Node,
            Map: visitor.Node,
            Scalar: visitor.Node,
            Seq: visitor.Node
        }, visitor.Value && {
            Map: visitor.Value,
            Scalar: visitor.Value,
            Seq: visitor.Value
        }, visitor.Collection && {
            Map: visitor.Collection,
            Seq: visitor.Collection
        }, visitor);
    }
    return visitor;
}
function callVisitor(key, node, visitor, path) {
    if (typeof visitor === 'function')
        return visitor(key, node, path);
    if (identity.isMap(node))
        return visitor.Map?.(key, node, path);
    if (identity.isSeq(node))
        return visitor.Seq?.(key, node, path);
    if (identity.isPair(node))
        return visitor.Pair?.(key, node, path);
    if (identity.isScalar(node))
        return visitor.Scalar?.(key, node, path);
    if (identity.isAlias(node))
        return visitor.Alias?.(key, node, path);
    return undefined;
}
function replaceNode(key, path, node) {
    const parent = path[path.length - 1];
    if (identity.isCollection(parent)) {
        parent.items[key] = node;
    }
    else if (identity.isPair(parent)) {
        if (key === 'key')
            parent.key = node;
        else
            parent.value = node;
    }
    else if (identity.isDocument(parent)) {
        parent.contents = node;
    }
    else {
        const pt = identity.isAlias(parent) ? 'alias' : 'scalar';
        throw new Error(`Cannot replace node with ${pt} parent`);
    }
}

exports.visit = visit;
exports.visitAsync = visitAsync;


/***/ }),

/***/ 4550:
/***/ ((module) => {

// GENERATED FILE. DO NOT EDIT.
var ipCodec = (function(exports) {
  "use strict";
  
  Object.defineProperty(exports, "__esModule", {
    value: true
  });
  exports.decode = decode;
  exports.encode = encode;
  exports.familyOf = familyOf;
  exports.name = void 0;
  exports.sizeOf = sizeOf;
  exports.v6 = exports.v4 = void 0;
  const v4Regex = /^(\d{1,3}\.){3,3}\d{1,3}$/;
  const v4Size = 4;
  const v6Regex = /^(::)?(((\d{1,3}\.){3}(\d{1,3}){1})?([0-9a-f]){0,4}:{0,2}){1,8}(::)?$/i;
  const v6Size = 16;
  const v4 = {
    name: 'v4',
    size: v4Size,
    isFormat: ip => v4Regex.test(ip),
  
    encode(ip, buff, offset) {
      offset = ~~offset;
      buff = buff || new Uint8Array(offset + v4Size);
      const max = ip.length;
      let n = 0;
  
      for (let i = 0; i < max;) {
        const c = ip.charCodeAt(i++);
  
        if (c === 46) {
          // "."
          buff[offset++] = n;
          n = 0;
        } else {
          n = n * 10 + (c - 48);
        }
      }
  
      buff[offset] = n;
      return buff;
    },
  
    decode(buff, offset) {
      offset = ~~offset;
      return `${buff[offset++]}.${buff[offset++]}.${buff[offset++]}.${buff[offset]}`;
    }
  
  };
  exports.v4 = v4;
  const v6 = {
    name: 'v6',
    size: v6Size,
    isFormat: ip => ip.length > 0 && v6Regex.test(ip),
  
    encode(ip, buff, offset) {
      offset = ~~offset;
      let end = offset + v6Size;
      let fill = -1;
      let hexN = 0;
      let decN = 0;
      let prevColon = true;
      let useDec = false;
      buff = buff || new Uint8Array(offset + v6Size); // Note: This algorithm needs to check if the offset
      // could exceed the buffer boundaries as it supports
      // non-standard compliant encodings that may go beyond
      // the boundary limits. if (offset < end) checks should
      // not be necessary...
  
      for (let i = 0; i < ip.length; i++) {
        let c = ip.charCodeAt(i);
  
        if (c === 58) {
          // :
          if (prevColon) {
            if (fill !== -1) {
              // Not Standard! (standard doesn't allow multiple ::)
              // We need to treat
              if (offset < end) buff[offset] = 0;
              if (offset < end - 1) buff[offset + 1] = 0;
              offset += 2;
            } else if (offset < end) {
              // :: in the middle
              fill = offset;
            }
          } else {
            // : ends the previous number
            if (useDec === true) {
              // Non-standard! (ipv4 should be at end only)
              // A ipv4 address should not be found anywhere else but at
              // the end. This codec also support putting characters
              // after the ipv4 address..
              if (offset < end) buff[offset] = decN;
              offset++;
            } else {
              if (offset < end) buff[offset] = hexN >> 8;
              if (offset < end - 1) buff[offset + 1] = hexN & 0xff;
              offset += 2;
            }
  
            hexN = 0;
            decN = 0;
          }
  
          prevColon = true;
          useDec = false;
        } else if (c === 46) {
          // . indicates IPV4 notation
          if (offset < end) buff[offset] = decN;
          offset++;
          decN = 0;
          hexN = 0;
          prevColon = false;
          useDec = true;
        } else {
          prevColon = false;
  
          if (c >= 97) {
            c -= 87; // a-f ... 97~102 -87 => 10~15
          } else if (c >= 65) {
            c -= 55; // A-F ... 65~70 -55 => 10~15
          } else {
            c -= 48; // 0-9 ... starting from charCode 48
  
            decN = decN * 10 + c;
          } // We don't know yet if its a dec or hex number
  
  
          hexN = (hexN << 4) + c;
        }
      }
  
      if (prevColon === false) {
        // Commiting last number
        if (useDec === true) {
          if (offset < end) buff[offset] = decN;
          offset++;
        } else {
          if (offset < end) buff[offset] = hexN >> 8;
          if (offset < end - 1) buff[offset + 1] = hexN & 0xff;
          offset += 2;
        }
      } else if (fill === 0) {
        // Not Standard! (standard doesn't allow multiple ::)
        // This means that a : was found at the start AND end which means the
        // end needs to be treated as 0 entry...
        if (offset < end) buff[offset] = 0;
        if (offset < end - 1) buff[offset + 1] = 0;
        offset += 2;
      } else if (fill !== -1) {
        // Non-standard! (standard doens't allow multiple ::)
        // Here we find that there has been a :: somewhere in the middle
        // and the end. To treat the end with priority we need to move all
        // written data two bytes to the right.
        offset += 2;
  
        for (let i = Math.min(offset - 1, end - 1); i >= fill + 2; i--) {
          buff[i] = buff[i - 2];
        }
  
        buff[fill] = 0;
        buff[fill + 1] = 0;
        fill = offset;
      }
  
      if (fill !== offset && fill !== -1) {
        // Move the written numbers to the end while filling the everything
        // "fill" to the bytes with zeros.
        if (offset > end - 2) {
          // Non Standard support, when the cursor exceeds bounds.
          offset = end - 2;
        }
  
        while (end > fill) {
          buff[--end] = offset < end && offset > fill ? buff[--offset] : 0;
        }
      } else {
        // Fill the rest with zeros
        while (offset < end) {
          buff[offset++] = 0;
        }
      }
  
      return buff;
    },
  
    decode(buff, offset) {
      offset = ~~offset;
      let result = '';
  
      for (let i = 0; i < v6Size; i += 2) {
        if (i !== 0) {
          result += ':';
        }
  
        result += (buff[offset + i] << 8 | buff[offset + i + 1]).toString(16);
      }
  
      return result.replace(/(^|:)0(:0)*:0(:|$)/, '$1::$3').replace(/:{3,4}/, '::');
    }
  
  };
  exports.v6 = v6;
  const name = 'ip';
  exports.name = name;
  
  function sizeOf(ip) {
    if (v4.isFormat(ip)) return v4.size;
    if (v6.isFormat(ip)) return v6.size;
    throw Error(`Invalid ip address: ${ip}`);
  }
  
  function familyOf(string) {
    return sizeOf(string) === v4.size ? 1 : 2;
  }
  
  function encode(ip, buff, offset) {
    offset = ~~offset;
    const size = sizeOf(ip);
  
    if (typeof buff === 'function') {
      buff = buff(offset + size);
    }
  
    if (size === v4.size) {
      return v4.encode(ip, buff, offset);
    }
  
    return v6.encode(ip, buff, offset);
  }
  
  function decode(buff, offset, length) {
    offset = ~~offset;
    length = length || buff.length - offset;
  
    if (length === v4.size) {
      return v4.decode(buff, offset, length);
    }
  
    if (length === v6.size) {
      return v6.decode(buff, offset, length);
    }
  
    throw Error(`Invalid buffer size needs to be ${v4.size} for v4 or ${v6.size} for v6.`);
  }
  return "default" in exports ? exports.default : exports;
})({});
if (typeof define === 'function' && define.amd) define([], function() { return ipCodec; });
else if (true) module.exports = ipCodec;


/***/ }),

/***/ 518:
/***/ ((__webpack_module__, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(__webpack_module__, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(560);

process.exitCode = await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .main */ .i)(process.argv.slice(2));

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 560:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  i: () => (/* binding */ main)
});

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./lib/acme/library.js
let loading;
let httpSettings;
/**
 * Loads acme-client when a run first needs the CA. It is about half of the bundle
 * (axios, node-forge, @peculiar/x509), and plan and check runs, or renew runs with
 * nothing due, never need it, so the action starts faster without it.
 */
function loadAcmeLibrary() {
    loading ??= __nccwpck_require__.e(/* import() */ 907).then(__nccwpck_require__.t.bind(__nccwpck_require__, 6907, 19)).then((library) => {
        if (httpSettings)
            applyHttpSettings(library, httpSettings);
        return library;
    });
    return loading;
}
/**
 * Configures acme-client's shared HTTP instance: the User-Agent that names this
 * product, the TLS agent (extra roots for a private CA) and a request timeout. Its own
 * retries are turned off, because they replay the same nonce and hide the problem
 * document that `replaces` rejections are classified from. Applies now when the
 * library is loaded, or when it loads.
 */
function configureAcmeHttp(settings) {
    httpSettings = settings;
    void loading?.then((library) => applyHttpSettings(library, settings));
}
function applyHttpSettings(library, settings) {
    const instance = library.axios;
    instance.defaults.headers.common['User-Agent'] = settings.userAgent;
    if (settings.agent)
        instance.defaults.httpsAgent = settings.agent;
    instance.defaults.timeout = settings.timeoutMs ?? 30_000;
    instance.defaults.acmeSettings.retryMaxAttempts = 0;
}

;// CONCATENATED MODULE: ./lib/acme/problem.js
/** RFC 8555 section 6.7 error type prefix. */
const ACME_ERROR_PREFIX = 'urn:ietf:params:acme:error:';
/**
 * Error carrying the CA's raw problem document, so callers classify refusals from
 * status, type and detail rather than from a message string.
 */
class AcmeProblemError extends Error {
    problem;
    url;
    constructor(action, url, problem) {
        super(`${action} failed: ${describeProblem(problem)}`);
        this.name = 'AcmeProblemError';
        this.problem = problem;
        this.url = url;
    }
}
/** Short type name without the ACME URN prefix, for example `alreadyReplaced`. */
function shortProblemType(type) {
    return type?.startsWith(ACME_ERROR_PREFIX) ? type.slice(ACME_ERROR_PREFIX.length) : type;
}
/** One-line rendering: `HTTP 409 alreadyReplaced: detail (subproblems: ...)`. */
function describeProblem(problem) {
    const parts = [`HTTP ${problem.status}`];
    const type = shortProblemType(problem.type);
    if (type)
        parts.push(type);
    let text = parts.join(' ');
    if (problem.detail)
        text += `: ${problem.detail}`;
    if (problem.subproblems?.length) {
        const inner = problem.subproblems
            .map((sub) => `${sub.identifier?.value ?? '?'}: ${shortProblemType(sub.type) ?? ''} ${sub.detail ?? ''}`.trim())
            .join('; ');
        text += ` (subproblems: ${inner})`;
    }
    return text;
}
/** Builds a problem document from a raw HTTP response body, tolerating non-JSON bodies. */
function problemFromResponse(status, body) {
    if (body && typeof body === 'object') {
        const record = body;
        return {
            status,
            type: typeof record.type === 'string' ? record.type : undefined,
            detail: typeof record.detail === 'string' ? record.detail : undefined,
            subproblems: Array.isArray(record.subproblems)
                ? record.subproblems
                : undefined,
        };
    }
    const detail = typeof body === 'string' && body.length > 0 ? body.slice(0, 500) : undefined;
    return { status, detail };
}

;// CONCATENATED MODULE: ./lib/acme/retry-after.js
/**
 * Parses a Retry-After header (RFC 9110 section 10.2.3): either delay-seconds or an
 * HTTP-date. Returns the delay in milliseconds from `now`, or undefined when the header
 * is missing or invalid. A date in the past gives 0.
 */
function parseRetryAfter(header, now = new Date()) {
    if (header === undefined)
        return undefined;
    const text = header.trim();
    if (/^\d+$/.test(text))
        return Number(text) * 1000;
    const at = Date.parse(text);
    if (Number.isNaN(at))
        return undefined;
    return Math.max(0, at - now.getTime());
}

;// CONCATENATED MODULE: ./lib/acme/session.js





/** Largest Retry-After this client waits for inside one request, in milliseconds. */
const MAX_INLINE_RETRY_WAIT_MS = 60_000;
const MAX_ATTEMPTS = 3;
/** An ACME account on one CA, with helpers for raw signed requests. */
class AcmeSession {
    client;
    directory;
    directoryUrl;
    accountUrl;
    logger;
    constructor(client, directory, directoryUrl, logger) {
        this.client = client;
        this.directory = directory;
        this.directoryUrl = directoryUrl;
        this.accountUrl = client.getAccountUrl();
        this.logger = logger;
    }
    /** Finds or creates the account for `accountKeyPem` (RFC 8555 section 7.3). */
    static async open(options) {
        checkAccountKey(options.accountKeyPem);
        const library = await loadAcmeLibrary();
        const client = new library.Client({
            directoryUrl: options.directoryUrl,
            accountKey: options.accountKeyPem,
            externalAccountBinding: options.externalAccountBinding
                ? {
                    kid: options.externalAccountBinding.keyId,
                    hmacKey: options.externalAccountBinding.hmacKey,
                }
                : undefined,
        });
        const internals = client;
        let directory;
        try {
            directory = await internals.http.getDirectory();
        }
        catch (error) {
            throw new Error(`Cannot read the ACME directory ${options.directoryUrl}: ${errorMessage(error)}. ` +
                'Check the CA setting in the manifest and the network path to the CA.', { cause: error });
        }
        if (directory.meta?.externalAccountRequired && !options.externalAccountBinding) {
            throw new Error(`The CA at ${options.directoryUrl} requires external account binding. ` +
                'Set the eab-key-id and eab-hmac-key inputs (ACME_EAB_KEY_ID and ACME_EAB_HMAC_KEY on the command line) to the values from the CA.');
        }
        // newAccount returns 200 with the existing account's URL when the key is known
        // (RFC 8555 section 7.3.1), so one request both finds and creates the account.
        try {
            const payload = { termsOfServiceAgreed: true };
            if (options.contact?.length)
                payload.contact = options.contact;
            await internals.api.createAccount(payload);
        }
        catch (error) {
            throw new Error(`Cannot create or find the ACME account at ${options.directoryUrl}: ${errorMessage(error)}`, { cause: error });
        }
        return new AcmeSession(client, directory, options.directoryUrl, options.logger);
    }
    /** JSON Web Key thumbprint input for key authorizations (RFC 8555 section 8.1). */
    jwk() {
        return this.client.http.getJwk();
    }
    /**
     * Sends a signed POST (or POST-as-GET with `payload` null) and returns the raw
     * response. Network failures, 429 and 5xx are retried up to 3 attempts when the
     * server's Retry-After is at most a minute. `retryServerErrors: false` turns that
     * off for requests whose errors must reach the caller unchanged. Problem documents
     * become {@link AcmeProblemError}s unless `acceptProblems` is set.
     */
    async post(action, url, payload, options = {}) {
        const api = this.client.api;
        const retry = options.retryServerErrors ?? true;
        for (let attempt = 1;; attempt++) {
            let response;
            try {
                response = await api.apiRequest(url, payload);
            }
            catch (error) {
                if (!retry || attempt >= MAX_ATTEMPTS)
                    throw new Error(`${action} failed at ${url}: ${errorMessage(error)}`, { cause: error });
                this.logger.warning(`${action}: ${errorMessage(error)}; retrying (attempt ${attempt + 1} of ${MAX_ATTEMPTS})`);
                await sleep(1000 * attempt);
                continue;
            }
            if (response.status < 400)
                return response;
            const problem = problemFromResponse(response.status, response.data);
            const retryable = response.status === 429 || response.status >= 500;
            const waitMs = parseRetryAfter(response.headers['retry-after']) ?? 1000 * attempt;
            if (retry && retryable && attempt < MAX_ATTEMPTS && waitMs <= MAX_INLINE_RETRY_WAIT_MS) {
                this.logger.warning(`${action}: ${describeProblem(problem)}; retrying in ${Math.ceil(waitMs / 1000)} s`);
                await sleep(waitMs);
                continue;
            }
            if (options.acceptProblems)
                return response;
            throw new AcmeProblemError(action, url, problem);
        }
    }
}
/**
 * Rejects an account key acme-client cannot sign with, naming the accepted kinds,
 * before any request: its own error is an OpenSSL decoder code.
 */
function checkAccountKey(pem) {
    const advice = 'Pass a PEM private key of type RSA (2048 bits or more) or EC (P-256, P-384 or P-521), for example one made with ' +
        '`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out account-key.pem`.';
    let key;
    try {
        key = (0,external_node_crypto_namespaceObject.createPrivateKey)(pem);
    }
    catch (error) {
        throw new Error(`The ACME account key is not a readable private key (${errorMessage(error)}). ${advice}`, {
            cause: error,
        });
    }
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const usable = key.asymmetricKeyType === 'rsa' ||
        (key.asymmetricKeyType === 'ec' &&
            ['prime256v1', 'secp384r1', 'secp521r1'].includes(curve ?? ''));
    if (!usable) {
        throw new Error(`The ACME account key is of type ${key.asymmetricKeyType}${curve ? ` (${curve})` : ''}, which acme-client cannot sign with. ${advice}`);
    }
}
function errorMessage(error) {
    return error instanceof Error ? error.message : String(error);
}
function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

;// CONCATENATED MODULE: ./lib/acme/keys.js


/** Creates a new private key of the manifest's key type, PKCS#8 PEM. */
function createPrivateKey(keyType) {
    const encoding = {
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
    };
    return new Promise((resolve, reject) => {
        const done = (error, _publicKey, privateKey) => {
            if (error)
                reject(error);
            else
                resolve(privateKey);
        };
        if (keyType === 'ec-p256' || keyType === 'ec-p384') {
            (0,external_node_crypto_namespaceObject.generateKeyPair)('ec', { namedCurve: keyType === 'ec-p256' ? 'P-256' : 'P-384', ...encoding }, done);
        }
        else {
            (0,external_node_crypto_namespaceObject.generateKeyPair)('rsa', { modulusLength: Number(keyType.slice(4)), ...encoding }, done);
        }
    });
}
/**
 * Builds a DER CSR for `domains` signed by `keyPem`. The first name becomes the
 * common name when it fits the 64-character upper bound of RFC 5280; CAs take the
 * identifiers from the SAN extension either way.
 */
async function createCsrDer(domains, keyPem) {
    const first = domains[0];
    const commonName = first !== undefined && first.length <= 64 ? first : undefined;
    const library = await loadAcmeLibrary();
    const [, csrPem] = await library.crypto.createCsr({ commonName, altNames: domains }, keyPem);
    const base64 = csrPem
        .toString('utf8')
        .replace(/-----(BEGIN|END) CERTIFICATE REQUEST-----/g, '')
        .replace(/\s+/g, '');
    return Buffer.from(base64, 'base64');
}

;// CONCATENATED MODULE: ./lib/env.js

/** Raised when a setting that must come from the environment is missing or unreadable. */
class EnvironmentError extends Error {
    constructor(message) {
        super(message);
        this.name = 'EnvironmentError';
    }
}
/**
 * Reads `name` from the environment, or the file that `<name>_FILE` points to (the
 * convention for secrets mounted as files). Setting both is an error because one of
 * them would be silently ignored. Surrounding white space in a file is dropped.
 */
function readEnv(env, name) {
    const direct = env[name];
    const filePath = env[`${name}_FILE`];
    if (direct !== undefined && direct !== '' && filePath) {
        throw new EnvironmentError(`Both ${name} and ${name}_FILE are set. Set only one of them.`);
    }
    if (filePath) {
        try {
            return (0,external_node_fs_namespaceObject.readFileSync)(filePath, 'utf8').trim();
        }
        catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            throw new EnvironmentError(`Cannot read ${name}_FILE (${filePath}): ${reason}`);
        }
    }
    return direct === '' ? undefined : direct;
}
/** Reads `name` like {@link readEnv} and fails with a message naming the variable when it is missing. */
function requireEnv(env, name, purpose) {
    const value = readEnv(env, name);
    if (value === undefined) {
        throw new EnvironmentError(`Missing ${name} (or ${name}_FILE): ${purpose}.`);
    }
    return value;
}

;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
;// CONCATENATED MODULE: external "node:https"
const external_node_https_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");
;// CONCATENATED MODULE: external "node:tls"
const external_node_tls_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");
;// CONCATENATED MODULE: ./lib/http.js




/**
 * Failure to get any HTTP response. `code` is Node's error code (`ECONNREFUSED`,
 * `ENOTFOUND`, ...) or `ETIMEDOUT` when `timeoutMs` passed, `EBODYTOOLARGE` when the
 * body exceeded `maxBodyBytes`.
 */
class HttpRequestError extends Error {
    url;
    code;
    constructor(url, code, message) {
        super(message);
        this.name = 'HttpRequestError';
        this.url = url;
        this.code = code;
    }
}
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Creates an {@link HttpClient}. Throws when `caCertificates` contains no PEM certificate. */
function createHttpClient(options) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    if (!options.userAgent.trim()) {
        throw new Error('The HTTP client needs a non-empty User-Agent: pass userAgent.');
    }
    const ca = options.caCertificates === undefined ? undefined : trustedRoots(options.caCertificates);
    // One secure context for every connection: with `ca` alone, each new connection
    // parses the whole root store again (about 100 ms of CPU each on the test machine).
    const secureContext = ca === undefined ? undefined : (0,external_node_tls_namespaceObject.createSecureContext)({ ca });
    const agent = new external_node_https_namespaceObject.Agent({ keepAlive: true, secureContext });
    const httpAgent = new external_node_http_namespaceObject.Agent({ keepAlive: true });
    const get = async (url, headers = {}) => {
        const target = parseUrl(url);
        const transport = target.protocol === 'https:' ? external_node_https_namespaceObject : external_node_http_namespaceObject;
        const requestOptions = {
            method: 'GET',
            agent: target.protocol === 'https:' ? agent : httpAgent,
            headers: withUserAgent(headers, options.userAgent),
        };
        return new Promise((resolve, reject) => {
            const request = transport.request(target, requestOptions, (response) => {
                readBody(url, response, maxBodyBytes).then(resolve, reject);
            });
            request.setTimeout(timeoutMs, () => {
                request.destroy(new HttpRequestError(url, 'ETIMEDOUT', `GET ${url} timed out after ${timeoutMs} ms.`));
            });
            request.on('error', (error) => reject(toRequestError(url, error)));
            request.end();
        });
    };
    return {
        userAgent: options.userAgent,
        agent,
        httpAgent,
        get,
        close: () => {
            agent.destroy();
            httpAgent.destroy();
        },
    };
}
/**
 * Builds the CA list for the https agent. Setting `ca` replaces Node's whole trust store,
 * so the default roots and the file named by NODE_EXTRA_CA_CERTS are added back.
 */
function trustedRoots(caCertificates) {
    const added = caCertificates.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
    if (!added) {
        throw new Error('The CA certificates contain no PEM certificate ("-----BEGIN CERTIFICATE-----"). ' +
            'Pass a PEM bundle or leave the CA certificates unset.');
    }
    return [...external_node_tls_namespaceObject.rootCertificates, ...extraCertificatesFromEnvironment(), ...added];
}
function extraCertificatesFromEnvironment() {
    const file = process.env.NODE_EXTRA_CA_CERTS;
    if (!file)
        return [];
    try {
        return [(0,external_node_fs_namespaceObject.readFileSync)(file, 'utf8')];
    }
    catch {
        // Node itself already printed a warning for an unreadable NODE_EXTRA_CA_CERTS at start-up.
        return [];
    }
}
function parseUrl(url) {
    let target;
    try {
        target = new URL(url);
    }
    catch {
        throw new HttpRequestError(url, 'EINVALIDURL', `Invalid URL "${url}": expected http(s)://host/path.`);
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') {
        throw new HttpRequestError(url, 'EINVALIDURL', `Unsupported URL scheme in "${url}": expected https: or http:.`);
    }
    return target;
}
function readBody(url, response, maxBodyBytes) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        response.on('data', (chunk) => {
            size += chunk.length;
            if (size > maxBodyBytes) {
                response.destroy(new HttpRequestError(url, 'EBODYTOOLARGE', `GET ${url} returned a body larger than ${maxBodyBytes} bytes.`));
                return;
            }
            chunks.push(chunk);
        });
        response.on('error', (error) => reject(toRequestError(url, error)));
        response.on('end', () => {
            resolve({
                status: response.statusCode ?? 0,
                headers: flattenHeaders(response.headers),
                body: Buffer.concat(chunks).toString('utf8'),
            });
        });
    });
}
/** Lower-cases header names so the caller cannot send a second, differently spelled User-Agent. */
function withUserAgent(headers, userAgent) {
    const merged = {};
    for (const [name, value] of Object.entries(headers))
        merged[name.toLowerCase()] = value;
    merged['user-agent'] = userAgent;
    return merged;
}
function flattenHeaders(headers) {
    const flat = {};
    for (const [name, value] of Object.entries(headers)) {
        if (value === undefined)
            continue;
        flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    return flat;
}
function toRequestError(url, error) {
    if (error instanceof HttpRequestError)
        return error;
    const code = error instanceof Error && typeof error.code === 'string'
        ? error.code
        : 'EREQUEST';
    const reason = error instanceof Error ? error.message : String(error);
    return new HttpRequestError(url, code, `GET ${url} failed: ${reason}`);
}

;// CONCATENATED MODULE: external "node:timers/promises"
const external_node_timers_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: ./lib/lineage/git.js

/** A git command that exited with a status its caller did not expect. */
class GitCommandError extends Error {
    args;
    exitCode;
    stderr;
    constructor(args, exitCode, stderr) {
        const detail = stderr.trim() === '' ? '(no error output)' : stderr.trim();
        super(`git ${args[0] ?? ''} failed with exit code ${exitCode}: ${detail}`);
        this.args = args;
        this.exitCode = exitCode;
        this.stderr = stderr;
        this.name = 'GitCommandError';
    }
}
/**
 * Variables that would point git at another repository, index or work tree than
 * the one the store was given. A parent process such as a git hook may set them.
 */
const INHERITED_REPOSITORY_VARIABLES = [
    'GIT_DIR',
    'GIT_WORK_TREE',
    'GIT_INDEX_FILE',
    'GIT_OBJECT_DIRECTORY',
    'GIT_ALTERNATE_OBJECT_DIRECTORIES',
    'GIT_COMMON_DIR',
    'GIT_NAMESPACE',
    'GIT_PREFIX',
];
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;
/** Replaces the user and password part of URLs such as `https://x-access-token:TOKEN@host/`. */
function redactUrlCredentials(text) {
    return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}
function gitEnvironment(extra) {
    const env = { ...process.env };
    for (const name of INHERITED_REPOSITORY_VARIABLES)
        delete env[name];
    // Messages are parsed (for example "couldn't find remote ref"), so they must not
    // be translated, and a push without credentials must fail instead of prompting.
    env.LC_ALL = 'C';
    env.GIT_TERMINAL_PROMPT = '0';
    return { ...env, ...extra };
}
/**
 * Runs `git -C repository ...args` and returns its output as bytes. Throws
 * GitCommandError when the exit code is neither 0 nor in `allowedExitCodes`, with
 * credentials in URLs removed from the error output.
 */
function runGitRaw(repository, args, options = {}) {
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_namespaceObject.execFile)('git', ['-C', repository, ...args], { env: gitEnvironment(options.env), encoding: 'buffer', maxBuffer: MAX_OUTPUT_BYTES }, (error, stdout, stderrBytes) => {
            const stderr = redactUrlCredentials(stderrBytes.toString('utf8'));
            if (error === null) {
                resolve({ exitCode: 0, stdout, stderr });
                return;
            }
            const code = error.code;
            if (code === 'ENOENT') {
                reject(new Error('git was not found on PATH. Install git 2.29 or newer.'));
                return;
            }
            if (typeof code === 'number' && options.allowedExitCodes?.includes(code)) {
                resolve({ exitCode: code, stdout, stderr });
                return;
            }
            reject(new GitCommandError(args, code ?? 'unknown', stderr));
        });
        // A command that exits before reading its input closes the pipe, and the
        // resulting EPIPE is reported through the exit code instead.
        child.stdin?.on('error', () => undefined);
        child.stdin?.end(options.input ?? '');
    });
}
/**
 * Runs a git command synchronously and returns its output as UTF-8 text. Only for
 * quick queries while a store is created; everything else uses the async runners.
 */
function runGitSync(repository, args) {
    try {
        return (0,external_node_child_process_namespaceObject.execFileSync)('git', ['-C', repository, ...args], {
            env: gitEnvironment(undefined),
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
        });
    }
    catch (error) {
        const failure = error;
        if (failure.code === 'ENOENT') {
            throw new Error('git was not found on PATH. Install git 2.29 or newer.', { cause: error });
        }
        throw new GitCommandError(args, failure.status ?? 'unknown', redactUrlCredentials(failure.stderr ?? ''));
    }
}
/** Runs a git command like runGitRaw and returns its output as UTF-8 text. */
async function runGit(repository, args, options = {}) {
    const result = await runGitRaw(repository, args, options);
    return {
        exitCode: result.exitCode,
        stdout: result.stdout.toString('utf8'),
        stderr: result.stderr,
    };
}
/**
 * Reads many blobs with one `git cat-file --batch`. Each revision has the form
 * `<commit>:<path>`. The result has one entry per revision, in the same order, and
 * undefined where the path does not exist at that commit or is not a file.
 */
async function readBlobs(repository, revisions) {
    if (revisions.length === 0)
        return [];
    for (const revision of revisions) {
        if (/[\n\r]/.test(revision))
            throw new Error(`Invalid revision ${JSON.stringify(revision)}: it contains a line break.`);
    }
    const { stdout } = await runGitRaw(repository, ['cat-file', '--batch'], {
        input: revisions.map((revision) => `${revision}\n`).join(''),
    });
    const contents = [];
    let offset = 0;
    for (const revision of revisions) {
        const headerEnd = stdout.indexOf(0x0a, offset);
        if (headerEnd < 0)
            throw new Error(`git cat-file --batch ended early, before ${revision}.`);
        const header = stdout.subarray(offset, headerEnd).toString('utf8').split(' ');
        offset = headerEnd + 1;
        // Missing objects print "<revision> missing"; the revision may contain spaces,
        // so the header is recognized by its last word.
        if (header[header.length - 1] === 'missing' || header[header.length - 1] === 'ambiguous') {
            contents.push(undefined);
            continue;
        }
        const size = Number(header[2]);
        const content = stdout.subarray(offset, offset + size);
        offset += size + 1;
        contents.push(header[1] === 'blob' ? content.toString('utf8') : undefined);
    }
    return contents;
}

;// CONCATENATED MODULE: ./lib/lineage/git-commit.js




const CERTIFICATE_TRAILER = 'Lineage-Certificate';
/**
 * Builds the tree of `parent` plus `files` in a temporary index and returns its id.
 * The index lives in a temporary folder, so the repository's own index, work tree
 * and HEAD are never read or written.
 */
async function writeTree(repository, parent, files) {
    const blobs = await Promise.all([...files].map(async ([path, content]) => {
        const { stdout } = await runGit(repository, ['hash-object', '-w', '--stdin'], {
            input: content,
        });
        return { path, blob: stdout.trim() };
    }));
    const folder = await (0,promises_namespaceObject.mkdtemp)((0,external_node_path_namespaceObject.join)((0,external_node_os_namespaceObject.tmpdir)(), 'acme-lineage-index-'));
    try {
        const env = { GIT_INDEX_FILE: (0,external_node_path_namespaceObject.join)(folder, 'index') };
        await runGit(repository, parent ? ['read-tree', parent] : ['read-tree', '--empty'], { env });
        const entries = blobs.flatMap(({ path, blob }) => ['--cacheinfo', `100644,${blob},${path}`]);
        await runGit(repository, ['update-index', '--add', ...entries], { env });
        const { stdout } = await runGit(repository, ['write-tree'], { env });
        return stdout.trim();
    }
    finally {
        await (0,promises_namespaceObject.rm)(folder, { recursive: true, force: true });
    }
}
async function messageWithTrailer(repository, message, name) {
    // interpret-trailers joins an existing trailer block instead of starting a new
    // paragraph, so trailers the caller wrote stay trailers.
    const { stdout } = await runGit(repository, ['interpret-trailers', '--no-divider', '--trailer', `${CERTIFICATE_TRAILER}: ${name}`], { input: `${message.trim()}\n` });
    return stdout;
}
function identityEnvironment(author) {
    if (!author)
        return {};
    return {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
    };
}
/**
 * Writes a commit of `files` on top of `parent` without touching any ref. Returns
 * `{ commit: undefined }` when the resulting tree equals the parent's, so a change
 * that changes nothing makes no empty commit.
 */
async function writeCommit(repository, request) {
    const tree = await writeTree(repository, request.parent, request.files);
    if (request.parent) {
        const { stdout } = await runGit(repository, ['rev-parse', `${request.parent}^{tree}`]);
        if (stdout.trim() === tree)
            return { commit: undefined };
    }
    const message = await messageWithTrailer(repository, request.message, request.name);
    const parentArgs = request.parent ? ['-p', request.parent] : [];
    try {
        const { stdout } = await runGit(repository, ['commit-tree', tree, ...parentArgs, '-F', '-'], {
            input: message,
            env: identityEnvironment(request.author),
        });
        return { commit: stdout.trim() };
    }
    catch (error) {
        if (error instanceof Error &&
            /Please tell me who you are|empty ident|unable to auto-detect email/i.test(error.message)) {
            throw new Error(`Cannot commit to the state branch in ${repository}: git has no author identity. ` +
                'Pass an author to the lineage store, or set git config user.name and user.email.', { cause: error });
        }
        throw error;
    }
}

;// CONCATENATED MODULE: ./lib/lineage/git-errors.js
/** A fetch or push of the state branch that failed for a reason retrying cannot fix. */
class StateBranchError extends Error {
    stderr;
    constructor(message, 
    /** Error output of the git command, with credentials in URLs removed. */
    stderr) {
        super(message);
        this.stderr = stderr;
        this.name = 'StateBranchError';
    }
}
// Patterns match the messages of git 2.39 run with LC_ALL=C and of GitHub's server.
const PUSH_ADVICE = [
    {
        pattern: /protected branch|GH006|GH013|repository rule violations/i,
        fix: (_remote, branch) => `branch ${branch} is protected. Exclude it from branch protection rules and rulesets, or choose another state branch.`,
    },
    {
        pattern: /Permission to .* denied|returned error: 403|write access to repository not granted/i,
        fix: () => 'the token lacks contents: write permission. Add `permissions: contents: write` to the job, ' +
            'or use a token that can push to the repository.',
    },
];
const ACCESS_ADVICE = [
    {
        pattern: /Authentication failed|could not read Username|terminal prompts disabled|returned error: 401/i,
        fix: (remote) => `no valid credentials for ${remote}. With actions/checkout keep persist-credentials enabled, ` +
            'or configure a credential helper for the remote.',
    },
    {
        pattern: /Repository not found|does not appear to be a git repository|returned error: 404/i,
        fix: (remote) => `the repository of ${remote} was not found or the token cannot read it. ` +
            'Check the remote URL and that the token has contents: read permission.',
    },
    {
        pattern: /Could not resolve host|Connection refused|Connection timed out|Failed to connect/i,
        fix: (remote) => `${remote} could not be reached. Check the network and the remote URL.`,
    },
];
function lastLines(stderr) {
    return stderr
        .split('\n')
        .filter((line) => line.trim() !== '' && !line.startsWith('hint:'))
        .slice(-6)
        .join(' | ');
}
/** Explains a failed fetch of the state branch with the likely cause and fix. */
function fetchFailure(remote, branch, stderr) {
    const advice = ACCESS_ADVICE.find((candidate) => candidate.pattern.test(stderr));
    const reason = advice ? advice.fix(remote, branch) : 'see the git output below.';
    return new StateBranchError(`Fetching branch ${branch} from ${remote} failed: ${reason} git output: ${lastLines(stderr)}`, stderr);
}
/** Explains a push of the state branch that failed for a reason other than a lost race. */
function pushFailure(remote, branch, stderr, status) {
    const output = `${status}\n${stderr}`;
    const advice = [...PUSH_ADVICE, ...ACCESS_ADVICE].find((candidate) => candidate.pattern.test(output));
    const reason = advice ? advice.fix(remote, branch) : 'see the git output below.';
    return new StateBranchError(`Push of branch ${branch} to ${remote} was rejected: ${reason} git output: ${lastLines(output)}`, stderr);
}
/** Push status reasons that mean another writer moved the branch first, so a retry may succeed. */
function isLostRace(reason) {
    return /non-fast-forward|fetch first|stale info|cannot lock ref|failed to update ref|incorrect old value|failed to lock/i.test(reason);
}

;// CONCATENATED MODULE: ./lib/lineage/types.js
/** Version of the lineage file format; bump it and migrate on read when the shape changes. */
const LINEAGE_SCHEMA_VERSION = 1;

;// CONCATENATED MODULE: ./lib/lineage/serialize.js

/** A lineage file that is not valid JSON, has an unknown schema version or the wrong shape. */
class LineageFormatError extends Error {
    file;
    field;
    constructor(file, 
    /** Dotted path of the field at fault, such as `certificates[1].serial`, or undefined for the whole file. */
    field, message) {
        super(message);
        this.file = file;
        this.field = field;
        this.name = 'LineageFormatError';
    }
}
const SUGGESTED_WINDOW = [
    { key: 'start', kind: 'timestamp' },
    { key: 'end', kind: 'timestamp' },
];
const ARI_ERROR = [
    { key: 'message', kind: 'string' },
    { key: 'at', kind: 'timestamp' },
    { key: 'lasting', kind: 'boolean' },
    { key: 'attempts', kind: 'count' },
];
const ARI_STATE = [
    { key: 'checkedAt', kind: 'timestamp' },
    { key: 'suggestedWindow', kind: { object: SUGGESTED_WINDOW }, optional: true },
    { key: 'explanationUrl', kind: 'string', optional: true },
    { key: 'retryAfter', kind: 'timestamp', optional: true },
    { key: 'chosenRenewalTime', kind: 'timestamp', optional: true },
    { key: 'error', kind: { object: ARI_ERROR }, optional: true },
];
const REPLACED_BY = [
    { key: 'at', kind: 'timestamp' },
    { key: 'serial', kind: 'hex', optional: true },
    { key: 'orderUrl', kind: 'string', optional: true },
    { key: 'unknownOrder', kind: 'boolean', optional: true },
];
const CERTIFICATE_RECORD = [
    { key: 'serial', kind: 'hex' },
    { key: 'certId', kind: 'nullable-string' },
    { key: 'authorityKeyId', kind: 'nullable-string' },
    { key: 'identifiers', kind: 'string-list' },
    { key: 'notBefore', kind: 'timestamp' },
    { key: 'notAfter', kind: 'timestamp' },
    { key: 'issuer', kind: 'string' },
    { key: 'directoryUrl', kind: 'string' },
    { key: 'accountUrl', kind: 'string' },
    { key: 'orderUrl', kind: 'string' },
    { key: 'profile', kind: 'string', optional: true },
    { key: 'replaces', kind: 'nullable-string' },
    { key: 'replacedBy', kind: { object: REPLACED_BY }, optional: true },
    { key: 'revoked', kind: 'boolean', optional: true },
    { key: 'issuedAt', kind: 'timestamp' },
    { key: 'chainFile', kind: 'string' },
    { key: 'keyLost', kind: 'boolean', optional: true },
    { key: 'ari', kind: { object: ARI_STATE }, optional: true },
];
const PENDING_ORDER = [
    { key: 'orderUrl', kind: 'string' },
    { key: 'directoryUrl', kind: 'string' },
    { key: 'accountUrl', kind: 'string' },
    { key: 'identifiers', kind: 'string-list' },
    { key: 'profile', kind: 'string', optional: true },
    { key: 'replaces', kind: 'nullable-string' },
    { key: 'startedAt', kind: 'timestamp' },
];
const REPLACES_BLOCK = [
    { key: 'certId', kind: 'string' },
    {
        key: 'reason',
        kind: { enum: ['already-replaced', 'account-changed', 'ca-changed', 'no-ari'] },
    },
    { key: 'at', kind: 'timestamp' },
    { key: 'detail', kind: 'string', optional: true },
];
const LINEAGE = [
    { key: 'schemaVersion', kind: 'count' },
    { key: 'name', kind: 'string' },
    { key: 'certificates', kind: { list: CERTIFICATE_RECORD } },
    { key: 'pendingOrder', kind: { object: PENDING_ORDER }, optional: true },
    { key: 'replacesBlocks', kind: { list: REPLACES_BLOCK }, optional: true },
];
function describe(value) {
    if (value === null)
        return 'null';
    if (Array.isArray(value))
        return 'a list';
    if (typeof value === 'string')
        return `the string ${JSON.stringify(value.slice(0, 60))}`;
    return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
function isPlainObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/**
 * Checks `value` against `schema` and returns a copy with the keys in schema order
 * and absent optional fields left out. Unknown keys are an error, because within one
 * schema version every writer uses the same fields and an unknown key is a typo.
 */
function normalizeObject(file, path, value, schema) {
    const fail = (field, message) => {
        throw new LineageFormatError(file, field, `Invalid lineage file ${file}: ${field} ${message}.`);
    };
    if (!isPlainObject(value)) {
        return fail(path === '' ? '(top level)' : path, `must be an object, not ${describe(value)}`);
    }
    const known = new Set(schema.map((field) => field.key));
    for (const key of Object.keys(value)) {
        if (!known.has(key))
            fail(join(path, key), 'is not a known field; remove it or fix its spelling');
    }
    const result = {};
    for (const field of schema) {
        const fieldPath = join(path, field.key);
        const fieldValue = value[field.key];
        if (fieldValue === undefined) {
            if (!field.optional)
                fail(fieldPath, 'is missing');
            continue;
        }
        result[field.key] = normalizeValue(file, fieldPath, fieldValue, field.kind, fail);
    }
    return result;
}
function normalizeValue(file, path, value, kind, fail) {
    switch (kind) {
        case 'string':
            return typeof value === 'string'
                ? value
                : fail(path, `must be a string, not ${describe(value)}`);
        case 'nullable-string':
            return value === null || typeof value === 'string'
                ? value
                : fail(path, `must be a string or null, not ${describe(value)}`);
        case 'timestamp':
            return typeof value === 'string' && !Number.isNaN(Date.parse(value))
                ? value
                : fail(path, `must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z, not ${describe(value)}`);
        case 'hex':
            return typeof value === 'string' && /^[0-9a-f]+$/.test(value)
                ? value
                : fail(path, `must be lower-case hexadecimal, not ${describe(value)}`);
        case 'boolean':
            return typeof value === 'boolean'
                ? value
                : fail(path, `must be true or false, not ${describe(value)}`);
        case 'count':
            return Number.isInteger(value) && value >= 0
                ? value
                : fail(path, `must be a whole number, not ${describe(value)}`);
        case 'string-list':
            if (!Array.isArray(value))
                return fail(path, `must be a list of strings, not ${describe(value)}`);
            value.forEach((item, index) => {
                if (typeof item !== 'string')
                    fail(`${path}[${index}]`, `must be a string, not ${describe(item)}`);
            });
            return [...value];
    }
    if ('enum' in kind) {
        return typeof value === 'string' && kind.enum.includes(value)
            ? value
            : fail(path, `must be one of ${kind.enum.join(', ')}, not ${describe(value)}`);
    }
    if ('object' in kind)
        return normalizeObject(file, path, value, kind.object);
    if (!Array.isArray(value))
        return fail(path, `must be a list, not ${describe(value)}`);
    return value.map((item, index) => normalizeObject(file, `${path}[${index}]`, item, kind.list));
}
function join(path, key) {
    return path === '' ? key : `${path}.${key}`;
}
/** Throws unless the file's schemaVersion is one this release reads, naming the file and the fix. */
function checkSchemaVersion(file, value) {
    if (!isPlainObject(value))
        return;
    const version = value.schemaVersion;
    if (version === undefined) {
        throw new LineageFormatError(file, 'schemaVersion', `Invalid lineage file ${file}: schemaVersion is missing. Restore the file from the state branch history or delete it.`);
    }
    if (typeof version === 'number' &&
        Number.isInteger(version) &&
        version > LINEAGE_SCHEMA_VERSION) {
        throw new LineageFormatError(file, 'schemaVersion', `Lineage file ${file} has schemaVersion ${version}, written by a newer acme-lineage; ` +
            `this release reads only version ${LINEAGE_SCHEMA_VERSION}. Upgrade acme-lineage to the release that wrote it.`);
    }
    if (version !== LINEAGE_SCHEMA_VERSION) {
        throw new LineageFormatError(file, 'schemaVersion', `Invalid lineage file ${file}: schemaVersion ${JSON.stringify(version)} is unknown; ` +
            `expected ${LINEAGE_SCHEMA_VERSION}. Restore the file from the state branch history or delete it.`);
    }
}
/**
 * Parses and validates the text of a lineage file. `path` names the file in errors.
 * Throws LineageFormatError naming the file and the field at fault.
 */
function parseLineage(text, path) {
    let value;
    try {
        value = JSON.parse(text);
    }
    catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new LineageFormatError(path, undefined, `Invalid lineage file ${path}: not valid JSON (${reason}).`);
    }
    checkSchemaVersion(path, value);
    return normalizeObject(path, '', value, LINEAGE);
}
/**
 * Formats a lineage as its file content: JSON with 2-space indent, keys in the order of
 * the types and a trailing newline, so that equal lineages give equal bytes and diffs
 * on the state branch show only what changed. Throws LineageFormatError, naming `path`,
 * when the lineage does not have the shape that parseLineage accepts.
 */
function serializeLineage(lineage, path = `${lineage.name}/lineage.json`) {
    checkSchemaVersion(path, lineage);
    const normalized = normalizeObject(path, '', lineage, LINEAGE);
    return `${JSON.stringify(normalized, null, 2)}\n`;
}

;// CONCATENATED MODULE: ./lib/lineage/layout.js

/**
 * Layout of the state branch, shared by every store backend: one folder per
 * certificate name, holding `lineage.json` and extra files such as PEM chains.
 */
const LINEAGE_FILE = 'lineage.json';
/** Path of a certificate's lineage file, relative to the root of the state branch. */
function lineageFilePath(name) {
    return `${name}/${LINEAGE_FILE}`;
}
// Names become folder names on the branch and in git revisions such as
// `<commit>:<name>/lineage.json`, so they are limited to one safe path segment.
const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
/** Throws unless `name` can be a folder name on the state branch. */
function assertCertificateName(name) {
    if (!NAME_PATTERN.test(name) || name.length > 200) {
        throw new Error(`Invalid certificate name ${JSON.stringify(name)}: use 1 to 200 letters, digits, '.', '_' or '-', ` +
            `starting with a letter, digit or '_'.`);
    }
}
/** Throws unless `path` is a relative path inside a certificate folder other than lineage.json. */
function assertExtraFilePath(name, path) {
    const segments = path.split('/');
    const unsafe = segments.some((segment) => segment === '' || segment === '.' || segment === '..' || !NAME_PATTERN.test(segment));
    if (unsafe || path === LINEAGE_FILE) {
        throw new Error(`Invalid extra file path ${JSON.stringify(path)} for certificate ${name}: use a relative path of ` +
            `letters, digits, '.', '_' and '-' segments separated by '/', other than ${LINEAGE_FILE}.`);
    }
}
/**
 * Throws when `content` looks like a PEM private key. The state branch is readable by
 * everyone who can read the repository, so a private key must never be committed.
 */
function assertNoPrivateKey(name, path, content) {
    if (content.includes('PRIVATE KEY')) {
        throw new Error(`Cannot write ${name}/${path} to the state branch: it contains a private key ("PRIVATE KEY"). ` +
            `Store only certificates and chains there; keep private keys in a secret store.`);
    }
}
/**
 * Validates a change for certificate `name` and returns the files to write, keyed by
 * path relative to the root of the branch, lineage file first.
 */
function folderFiles(name, change) {
    if (change.lineage.name !== name) {
        throw new Error(`The change for certificate ${name} returned a lineage named ${JSON.stringify(change.lineage.name)}. ` +
            `A lineage must keep the name of its folder.`);
    }
    const files = new Map();
    const lineageText = serializeLineage(change.lineage, lineageFilePath(name));
    assertNoPrivateKey(name, LINEAGE_FILE, lineageText);
    files.set(lineageFilePath(name), lineageText);
    for (const [path, content] of Object.entries(change.files ?? {})) {
        assertExtraFilePath(name, path);
        assertNoPrivateKey(name, path, content);
        files.set(`${name}/${path}`, content);
    }
    return files;
}

;// CONCATENATED MODULE: ./lib/lineage/history.js



function checkFileName(name, text, label) {
    if (text === undefined)
        return undefined;
    const lineage = parseLineage(text, label);
    if (lineage.name !== name) {
        throw new Error(`Lineage file ${label} names certificate ${JSON.stringify(lineage.name)}, but its folder is ${name}. ` +
            'Rename the folder or correct the name field.');
    }
    return lineage;
}
/**
 * Reads the lineage of `name` as it was at `revision` (a commit or ref). Returns
 * undefined when the file did not exist there, and throws when `revision` is not a
 * commit in the repository. Errors name the file as `<revision>:<name>/lineage.json`.
 */
async function readAt(repository, revision, name) {
    assertCertificateName(name);
    const path = lineageFilePath(name);
    const [text] = await readBlobs(repository, [`${revision}:${path}`]);
    if (text === undefined)
        await assertCommitExists(repository, revision);
    return checkFileName(name, text, `${revision}:${path}`);
}
/** Throws when `revision` is not a commit in `repository`, for example one not fetched yet. */
async function assertCommitExists(repository, revision) {
    const { exitCode } = await runGit(repository, ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`], {
        allowedExitCodes: [1],
    });
    if (exitCode !== 0) {
        throw new Error(`Revision ${revision} is not a commit in ${repository}. Fetch the state branch first.`);
    }
}
/** Reads every lineage at `revision`, sorted by name. Folders without a lineage file are skipped. */
async function readAllAt(repository, revision) {
    const { stdout } = await runGit(repository, ['ls-tree', '-z', revision]);
    const names = stdout
        .split('\0')
        .map((entry) => /^\d+ tree [0-9a-f]+\t(.+)$/.exec(entry)?.[1])
        .filter((name) => name !== undefined && isCertificateName(name))
        .sort();
    const labels = names.map((name) => `${revision}:${lineageFilePath(name)}`);
    const texts = await readBlobs(repository, labels);
    const lineages = [];
    names.forEach((name, index) => {
        const lineage = checkFileName(name, texts[index], labels[index] ?? name);
        if (lineage)
            lineages.push(lineage);
    });
    return lineages;
}
function isCertificateName(name) {
    try {
        assertCertificateName(name);
        return true;
    }
    catch {
        return false;
    }
}
/**
 * Lists the commits on the first-parent history of `location.ref` that changed
 * `<name>/lineage.json`, newest first, including the commit that deleted it.
 * First-parent history is the order in which the branch itself moved. A merge is
 * listed when it changed the file relative to its first parent.
 */
async function lineageHistory(location, name) {
    assertCertificateName(name);
    const { stdout } = await runGit(location.repository, [
        'log',
        '--first-parent',
        '-z',
        '--format=%H%x1f%cI%x1f%s',
        location.ref,
        '--',
        lineageFilePath(name),
    ]);
    return stdout
        .split('\0')
        .filter((entry) => entry.trim() !== '')
        .map((entry) => {
        const [commit = '', date = '', subject = ''] = entry.replace(/^\n/, '').split('\x1f');
        return { commit, date, subject };
    });
}
/** Predicate that matches a lineage holding the certificate with this serial. */
function hasCertificate(serial) {
    return (lineage) => lineage.certificates.some((certificate) => certificate.serial === serial);
}
/** Predicate that matches a lineage whose pending order has this URL. */
function hasPendingOrder(orderUrl) {
    return (lineage) => lineage.pendingOrder?.orderUrl === orderUrl;
}
const VERSIONS_PER_BATCH = 50;
/**
 * Yields each version of the lineage of `name` along the history that lineageHistory
 * lists, newest first. Versions are read in batches with one git process each, and a
 * caller that stops early reads no further batches. A version that does not parse is
 * yielded as `unreadable` instead of ending the walk, because one broken commit in
 * the past must not hide the rest of the history.
 */
async function* lineageVersions(location, name) {
    const commits = await lineageHistory(location, name);
    const path = lineageFilePath(name);
    for (let start = 0; start < commits.length; start += VERSIONS_PER_BATCH) {
        const batch = commits.slice(start, start + VERSIONS_PER_BATCH);
        const texts = await readBlobs(location.repository, batch.map((entry) => `${entry.commit}:${path}`));
        for (const [index, entry] of batch.entries()) {
            const text = texts[index];
            if (text === undefined) {
                yield { ...entry, file: 'deleted' };
                continue;
            }
            try {
                yield {
                    ...entry,
                    file: 'present',
                    lineage: checkFileName(name, text, `${entry.commit}:${path}`),
                };
            }
            catch (error) {
                yield {
                    ...entry,
                    file: 'unreadable',
                    error: error instanceof Error ? error.message : String(error),
                };
            }
        }
    }
}
const REMOVAL = {
    present: 'record-removed',
    deleted: 'file-deleted',
    unreadable: 'file-unreadable',
};
/**
 * Finds the commit that made a record go missing from the lineage of `name`: the
 * newest commit on the history of `location.ref` whose version of the file lacks a
 * record matching `isPresent` while the version just before it has one. A deleted
 * file, a revert, a hand edit and a file left unparsable count alike. Returns
 * undefined when the record is present at `location.ref` or was never there. Only
 * commits that changed the file are read, newest first, so the cost grows with how
 * far back the drop is.
 */
async function findCommitThatDropped(location, name, isPresent) {
    // Each listed version of the file is also the version just before the previous
    // (newer) listed commit, because no commit in between changed the file.
    let newer;
    for await (const version of lineageVersions(location, name)) {
        const present = version.lineage !== undefined && isPresent(version.lineage);
        if (present && newer === undefined)
            return undefined;
        if (present && newer !== undefined) {
            return {
                commit: newer.commit,
                date: newer.date,
                subject: newer.subject,
                lastPresent: version.commit,
                removal: REMOVAL[newer.file],
            };
        }
        newer = version;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./lib/lineage/remote-url.js
/**
 * Returns the web address prefix of commits in the github.com repository that a remote
 * URL points to, such as `https://github.com/owner/repo/commit/`, or undefined for
 * other hosts. Accepts https (with or without credentials), ssh:// and scp-like
 * `git@github.com:owner/repo.git` forms. Credentials in the URL are never part of
 * the result.
 * NOTE: GitHub Enterprise Server remotes get no address, because the URL alone does
 * not show whether a host runs GitHub.
 */
function githubCommitUrlPrefix(remoteUrl) {
    const match = /^(?:https?|ssh|git):\/\/(?:[^@/]+@)?github\.com(?::\d+)?\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/i.exec(remoteUrl) ?? /^(?:[^@/]+@)?github\.com:([^/]+)\/([^/]+?)(?:\.git)?\/?$/i.exec(remoteUrl);
    if (!match)
        return undefined;
    const [, owner, repository] = match;
    return `https://github.com/${owner}/${repository}/commit/`;
}

;// CONCATENATED MODULE: ./lib/lineage/git-store.js








const DEFAULT_BRANCH = 'acme-lineage';
const DEFAULT_MAX_ATTEMPTS = 5;
const FETCH_LOCK_ATTEMPTS = 3;
/**
 * Tail of the queue of updates per repository and ref. Updates from one process run
 * one at a time, so they never race each other. Only other processes and other
 * clones can make an update retry.
 */
const updateQueues = new Map();
async function runQueued(key, task) {
    const previous = updateQueues.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    updateQueues.set(key, tail);
    try {
        return await result;
    }
    finally {
        if (updateQueues.get(key) === tail)
            updateQueues.delete(key);
    }
}
/** Returns a random delay before attempt `attempt + 1`, so two writers that collided are unlikely to collide again. */
function backoffMs(attempt) {
    return 10 + Math.floor(Math.random() * 50 * 2 ** (attempt - 1));
}
function inspectRepository(repository) {
    let bare;
    let remotes;
    try {
        bare = runGitSync(repository, ['rev-parse', '--is-bare-repository']).trim() === 'true';
        remotes = runGitSync(repository, ['remote'])
            .split('\n')
            .filter((line) => line !== '');
    }
    catch (error) {
        const reason = error instanceof GitCommandError ? error.stderr.trim() : String(error);
        throw new Error(`Cannot open the git repository ${repository} for the lineage store: ${reason}`, {
            cause: error,
        });
    }
    // symbolic-ref also works on a branch without commits yet, where rev-parse HEAD fails.
    let headRef;
    try {
        headRef = runGitSync(repository, ['symbolic-ref', '--quiet', 'HEAD']).trim();
    }
    catch {
        headRef = undefined;
    }
    return { bare, headRef, remotes };
}
function chooseRemote(repository, remotes, option) {
    if (option === null)
        return undefined;
    if (option === undefined)
        return remotes.includes('origin') ? 'origin' : undefined;
    if (!remotes.includes(option)) {
        throw new Error(`Remote ${option} is not configured in ${repository} (remotes: ${remotes.join(', ') || 'none'}). ` +
            'Add it with git remote add, or leave the remote unset.');
    }
    return option;
}
function resolveTarget(repository, branch, remoteOption) {
    try {
        runGitSync(repository, ['check-ref-format', '--branch', branch]);
    }
    catch {
        throw new Error(`Invalid state branch name ${JSON.stringify(branch)}: git rejects it as a branch name.`);
    }
    const facts = inspectRepository(repository);
    const remote = chooseRemote(repository, facts.remotes, remoteOption);
    if (remote === undefined) {
        // Moving the branch that a work tree has checked out would leave that work tree
        // and its index out of step with HEAD, so a local-only store rejects that branch.
        if (!facts.bare && facts.headRef === `refs/heads/${branch}`) {
            throw new Error(`Branch ${branch} is checked out in ${repository}. Check out another branch, ` +
                'or give the lineage store a remote so it never moves local branches.');
        }
        return { remote, ref: `refs/heads/${branch}`, commitUrlPrefix: undefined };
    }
    const remoteUrl = runGitSync(repository, ['remote', 'get-url', remote]).trim();
    return {
        remote,
        ref: `refs/acme-lineage/${remote}/${branch}`,
        commitUrlPrefix: githubCommitUrlPrefix(remoteUrl),
    };
}
class GitStore {
    repository;
    branch;
    remote;
    description;
    target;
    logger;
    author;
    maxAttempts;
    constructor(options) {
        this.repository = options.repository;
        this.branch = options.branch ?? DEFAULT_BRANCH;
        this.target = resolveTarget(this.repository, this.branch, options.remote);
        this.remote = this.target.remote;
        this.logger = options.logger;
        this.author = options.author;
        this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
        if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) {
            throw new Error(`Invalid maxAttempts ${String(options.maxAttempts)}: use a whole number of at least 1.`);
        }
        this.description = this.remote
            ? `branch ${this.branch} of remote ${this.remote} (repository ${this.repository})`
            : `branch ${this.branch} in ${this.repository} (no remote)`;
    }
    async fetchState() {
        const commit = await this.fetchTip();
        return { repository: this.repository, ref: this.target.ref, commit };
    }
    async read(name) {
        assertCertificateName(name);
        const commit = await this.fetchTip();
        return commit ? readAt(this.repository, commit, name) : undefined;
    }
    async readAll() {
        const commit = await this.fetchTip();
        return commit ? readAllAt(this.repository, commit) : [];
    }
    async update(name, change, message) {
        assertCertificateName(name);
        if (message.trim() === '') {
            throw new Error(`Missing commit message for the lineage of ${name}: give a subject line.`);
        }
        const queueKey = `${(0,external_node_path_namespaceObject.resolve)(this.repository)}\0${this.target.ref}`;
        return runQueued(queueKey, () => this.updateWithRetries(name, change, message));
    }
    async updateWithRetries(name, change, message) {
        for (let attempt = 1;; attempt++) {
            const base = await this.fetchTip();
            const current = base ? await readAt(this.repository, base, name) : undefined;
            const files = folderFiles(name, change(current));
            const { commit } = await writeCommit(this.repository, {
                parent: base,
                files,
                message,
                name,
                author: this.author,
            });
            if (commit === undefined) {
                this.logger.debug(`lineage ${name}: unchanged, no commit on ${this.description}`);
                return this.commitInfo(base);
            }
            const outcome = await this.publish(name, base, commit);
            if (outcome.landed) {
                this.logger.info(`lineage ${name}: committed ${commit.slice(0, 12)} to ${this.description}`);
                return this.commitInfo(commit);
            }
            if (attempt >= this.maxAttempts) {
                throw new Error(`Could not update the lineage of ${name} on ${this.description}: other writers moved the branch ` +
                    `during each of ${attempt} attempts (last: ${outcome.reason}). This change was not recorded. Run again later.`);
            }
            const delay = backoffMs(attempt);
            this.logger.info(`lineage ${name}: branch ${this.branch} moved meanwhile (${outcome.reason}); ` +
                `retrying, attempt ${attempt + 1} of ${this.maxAttempts} in ${delay} ms`);
            await (0,external_node_timers_promises_namespaceObject.setTimeout)(delay);
        }
    }
    commitInfo(commit) {
        const prefix = this.target.commitUrlPrefix;
        return prefix ? { commit, url: `${prefix}${commit}` } : { commit };
    }
    /** Fetches the branch into the private ref when there is a remote, then returns the tip commit. */
    async fetchTip() {
        if (this.target.remote)
            await this.fetch(this.target.remote);
        const { stdout, exitCode } = await runGit(this.repository, ['rev-parse', '--verify', '--quiet', `${this.target.ref}^{commit}`], { allowedExitCodes: [1] });
        return exitCode === 0 ? stdout.trim() : undefined;
    }
    async fetch(remote) {
        const refspec = `+refs/heads/${this.branch}:${this.target.ref}`;
        for (let attempt = 1;; attempt++) {
            const { exitCode, stderr } = await runGit(this.repository, [
                'fetch',
                '--quiet',
                '--no-tags',
                '--no-write-fetch-head',
                '--no-recurse-submodules',
                '--no-auto-gc',
                remote,
                refspec,
            ], { allowedExitCodes: [1, 128] });
            if (exitCode === 0)
                return;
            if (/couldn't find remote ref/i.test(stderr)) {
                // The branch does not exist yet or was deleted, so any earlier tip is forgotten.
                await runGit(this.repository, ['update-ref', '-d', this.target.ref]);
                return;
            }
            // Another store in the same repository may be fetching into the same ref.
            if (/cannot lock ref|unable to create .*\.lock/i.test(stderr) &&
                attempt < FETCH_LOCK_ATTEMPTS) {
                await (0,external_node_timers_promises_namespaceObject.setTimeout)(backoffMs(attempt));
                continue;
            }
            throw fetchFailure(remote, this.branch, stderr);
        }
    }
    /**
     * Makes `commit` the tip if the branch is still at `base`. Without a remote, update-ref
     * with the expected old value does that compare-and-swap. With a remote, the push
     * does it, because git rejects a plain push that is not a fast-forward, and `commit`
     * is a fast-forward only while the remote branch is still at `base`. The private ref
     * then follows the push. It is only a copy, which the next fetch overwrites.
     * NOTE: the push also lands when someone rewound the remote branch to an ancestor of
     * `base` meanwhile, and then brings back the commits that the rewind removed.
     */
    async publish(name, base, commit) {
        const remote = this.target.remote;
        if (!remote)
            return this.moveRef(name, base, commit);
        const pushed = await runGit(this.repository, 
        // --no-verify: a pre-push hook of the user's repository has no business with the
        // state branch, and one that runs a test suite would stall every state commit.
        ['push', '--porcelain', '--no-verify', remote, `${commit}:refs/heads/${this.branch}`], { allowedExitCodes: [1, 128] });
        if (pushed.exitCode !== 0) {
            const status = pushed.stdout.split('\n').find((line) => line.startsWith('!')) ?? '';
            const reason = status.split('\t')[2] ?? '';
            if (reason !== '' && isLostRace(reason))
                return { landed: false, reason: `push ${reason}` };
            throw pushFailure(remote, this.branch, pushed.stderr, status);
        }
        const moved = await this.moveRef(name, base, commit);
        if (!moved.landed)
            this.logger.debug(`${this.target.ref} not moved after the push: ${moved.reason}`);
        return { landed: true };
    }
    async moveRef(name, base, commit) {
        const moved = await runGit(this.repository, ['update-ref', '-m', `acme-lineage: ${name}`, this.target.ref, commit, base ?? ''], { allowedExitCodes: [1, 128] });
        if (moved.exitCode === 0)
            return { landed: true };
        if (/cannot lock ref|is at .* but expected|reference already exists/i.test(moved.stderr)) {
            return { landed: false, reason: `update-ref lost a race: ${moved.stderr.trim()}` };
        }
        throw new GitCommandError(['update-ref', this.target.ref], moved.exitCode, moved.stderr);
    }
}
/**
 * Creates a lineage store on a branch of the git repository at `options.repository`.
 * It runs only plumbing commands, fetch and push, so the work tree, index and HEAD stay
 * as they are. The refs it writes are `refs/acme-lineage/<remote>/<branch>` and, as
 * fetch and push do, `refs/remotes/<remote>/<branch>`. Without a remote it moves the
 * branch itself. Throws at once when the repository, branch or remote is unusable.
 */
function createGitLineageStore(options) {
    return new GitStore(options);
}

;// CONCATENATED MODULE: ./lib/log.js
/** Logger that prints to stderr, used by the command line and tests. */
function createConsoleLogger(options = {}) {
    const write = (prefix, message) => {
        if (!options.quiet)
            process.stderr.write(`${prefix}${message}\n`);
    };
    return {
        debug: (message) => {
            if (options.debug)
                write('debug: ', message);
        },
        info: (message) => write('', message),
        warning: (message) => write('warning: ', message),
        error: (message) => write('error: ', message),
        group: async (title, body) => {
            write('== ', title);
            return body();
        },
    };
}
/** Logger that keeps every line in memory, for tests that check what a run logged. */
function createMemoryLogger() {
    const lines = [];
    return {
        lines,
        debug: (message) => lines.push(`debug: ${message}`),
        info: (message) => lines.push(message),
        warning: (message) => lines.push(`warning: ${message}`),
        error: (message) => lines.push(`error: ${message}`),
        group: async (title, body) => {
            lines.push(`== ${title}`);
            return body();
        },
    };
}

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __nccwpck_require__(8815);
;// CONCATENATED MODULE: external "node:net"
const external_node_net_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");
;// CONCATENATED MODULE: external "node:url"
const external_node_url_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");
;// CONCATENATED MODULE: ./lib/manifest/domains.js


const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const NON_ASCII = /[^\p{ASCII}]/u;
/**
 * Normalizes one certificate identifier: a DNS name (lower case, A-labels, no trailing
 * dot) or a wildcard `*.<name>`. IP addresses are rejected here, because RFC 8738
 * section 4 validates IP identifiers only by http-01 and tls-alpn-01, and this product
 * validates with DNS-01 alone: an order for one would fail after it was placed.
 */
function normalizeIdentifier(input) {
    const blank = rejectBlank(input);
    if (blank)
        return blank;
    const address = normalizeIpAddress(input);
    if (address && 'error' in address)
        return address;
    if (address) {
        return {
            error: `\`${address.value}\` is an IP address. CAs validate IP addresses only with http-01 or tls-alpn-01 ` +
                '(RFC 8738 section 4), and acme-lineage validates with DNS-01, so remove it from `domains` ' +
                'and issue it with a client that serves http-01',
        };
    }
    const name = input.endsWith('.') ? input.slice(0, -1) : input;
    if (!name.includes('*'))
        return normalizeName(name, { allowUnderscore: false });
    if (!name.startsWith('*.')) {
        return { error: 'a wildcard must be the whole leftmost label, as in `*.example.com`' };
    }
    const base = name.slice(2);
    if (base.includes('*')) {
        return {
            error: 'only one wildcard is allowed, and only as the leftmost label (`*.example.com`)',
        };
    }
    if ((0,external_node_net_namespaceObject.isIP)(base) !== 0)
        return { error: 'a wildcard cannot cover an IP address' };
    const normalized = normalizeName(base, { allowUnderscore: false });
    if ('error' in normalized)
        return normalized;
    const full = `*.${normalized.value}`;
    if (full.length > MAX_NAME_LENGTH)
        return tooLong(full);
    return { value: full };
}
/** Normalizes a zone or CNAME target: like a certificate name, but without wildcards and with `_` allowed. */
function normalizeDnsName(input) {
    const blank = rejectBlank(input);
    if (blank)
        return blank;
    if ((0,external_node_net_namespaceObject.isIP)(input) !== 0)
        return { error: 'expected a DNS name, not an IP address' };
    const name = input.endsWith('.') ? input.slice(0, -1) : input;
    return normalizeName(name, { allowUnderscore: true });
}
/**
 * Normalizes a nameserver given as `host`, `host:port`, `IPv6` or `[IPv6]:port`.
 * The result keeps the port when one was given and brackets IPv6 addresses only then.
 */
function normalizeNameserver(input) {
    const blank = rejectBlank(input);
    if (blank)
        return blank;
    if ((0,external_node_net_namespaceObject.isIP)(input) !== 0)
        return normalizeIpAddress(input) ?? { value: input };
    const { host, port, bracketed } = splitHostPort(input);
    let normalizedHost = normalizeIpAddress(host);
    if (normalizedHost === undefined && bracketed)
        return { error: `\`${host}\` is not an IPv6 address` };
    normalizedHost ??= normalizeName(host, { allowUnderscore: false });
    if ('error' in normalizedHost)
        return normalizedHost;
    if (port === undefined)
        return normalizedHost;
    if (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
        return { error: `port \`${port}\` is not a number from 1 to 65535` };
    }
    const hostPart = (0,external_node_net_namespaceObject.isIP)(normalizedHost.value) === 6 ? `[${normalizedHost.value}]` : normalizedHost.value;
    return { value: `${hostPart}:${Number(port)}` };
}
/** Splits `[host]:port`, `[host]`, `host:port` or `host`. The port is undefined when absent. */
function splitHostPort(input) {
    const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(input);
    if (bracketed)
        return { host: bracketed[1], port: bracketed[2], bracketed: true };
    const colon = input.lastIndexOf(':');
    if (colon === -1)
        return { host: input, bracketed: false };
    return { host: input.slice(0, colon), port: input.slice(colon + 1), bracketed: false };
}
function rejectBlank(input) {
    if (input === '')
        return { error: 'the name is empty' };
    if (/\s/.test(input))
        return { error: 'a name cannot contain white space' };
    return undefined;
}
/**
 * Returns IPv4 as is and IPv6 in the compressed lower-case form of RFC 5952, an error
 * for an IPv6 zone index, and undefined for anything that is not an IP address.
 */
function normalizeIpAddress(input) {
    const version = (0,external_node_net_namespaceObject.isIP)(input);
    if (version === 4)
        return { value: input };
    if (version !== 6)
        return undefined;
    if (input.includes('%'))
        return { error: 'an IPv6 address cannot carry a zone index (`%...`)' };
    // The WHATWG URL serializer compresses the longest run of zero groups and lower-cases,
    // which is the canonical text form of RFC 5952 section 4.
    // NOTE: IPv4-mapped addresses come out in hex (`::ffff:102:304`), not in dotted form.
    const hostname = new URL(`http://[${input}]/`).hostname;
    return { value: hostname.slice(1, -1) };
}
function normalizeName(name, rules) {
    if (name === '')
        return { error: 'the name is empty' };
    let ascii = name.toLowerCase();
    if (NON_ASCII.test(name)) {
        ascii = (0,external_node_url_namespaceObject.domainToASCII)(name);
        if (ascii === '')
            return {
                error: 'not a valid internationalized domain name (IDNA conversion to A-labels failed)',
            };
    }
    const labels = ascii.split('.');
    for (const label of labels) {
        const problem = checkLabel(label, rules);
        if (problem)
            return { error: problem };
    }
    if (/^[0-9]+$/.test(labels[labels.length - 1])) {
        return {
            error: 'the last label is all digits, which no top-level domain is (an IPv4 address needs four numbers)',
        };
    }
    if (ascii.length > MAX_NAME_LENGTH)
        return tooLong(ascii);
    // A label starting `xn--` must decode as Punycode, and the URL host parser returns '' when it does not.
    if (ascii.includes('xn--') && (0,external_node_url_namespaceObject.domainToASCII)(ascii) === '') {
        return { error: 'an `xn--` label is not valid Punycode' };
    }
    return { value: ascii };
}
function checkLabel(label, rules) {
    if (label === '')
        return 'the name has an empty label (two dots in a row, or a leading dot)';
    if (label.length > MAX_LABEL_LENGTH) {
        return `the label \`${label.slice(0, 20)}...\` has ${label.length} characters, more than the maximum of ${MAX_LABEL_LENGTH}`;
    }
    const allowed = rules.allowUnderscore ? /^[a-z0-9_-]+$/ : /^[a-z0-9-]+$/;
    if (!allowed.test(label)) {
        const extra = rules.allowUnderscore ? ', underscores' : '';
        return `the label \`${label}\` contains characters other than letters, digits${extra} and hyphens`;
    }
    if (label.startsWith('-') || label.endsWith('-')) {
        return `the label \`${label}\` starts or ends with a hyphen`;
    }
    // RFC 5891 section 4.2.3.1: hyphens in positions 3 and 4 are reserved for A-labels (`xn--`).
    if (label.slice(2, 4) === '--' && !label.startsWith('xn--')) {
        return `the label \`${label}\` has hyphens in positions 3 and 4, which are reserved for \`xn--\` A-labels`;
    }
    return undefined;
}
function tooLong(name) {
    return {
        error: `the name has ${name.length} characters, more than the maximum of ${MAX_NAME_LENGTH}`,
    };
}

;// CONCATENATED MODULE: ./lib/manifest/problems.js
/** Raised when a manifest cannot be read or is invalid. `problems` lists every fault found. */
class ManifestError extends Error {
    problems;
    constructor(problems) {
        super(summarize(problems));
        this.name = 'ManifestError';
        this.problems = problems;
    }
}
/** Orders problems by file, line and column, so reports read from top to bottom. */
function sortProblems(problems) {
    return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}
/** Formats one line per problem as `file:line:column: path: message`, the form editors link to. */
function formatProblems(problems) {
    return problems.map(formatProblem).join('\n');
}
/** Converts problems to GitHub annotations, titled with the certificate when the problem has one. */
function problemsAsAnnotations(problems) {
    return problems.map((problem) => ({
        file: problem.file,
        startLine: problem.line,
        startColumn: problem.column,
        title: annotationTitle(problem),
        message: problem.path ? `${problem.path}: ${problem.message}` : problem.message,
    }));
}
function formatProblem(problem) {
    const where = `${problem.file}:${problem.line}:${problem.column}`;
    return problem.path
        ? `${where}: ${problem.path}: ${problem.message}`
        : `${where}: ${problem.message}`;
}
function summarize(problems) {
    const files = [...new Set(problems.map((problem) => problem.file))].join(', ');
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    return `Invalid manifest ${files} (${count}):\n${formatProblems(problems)}`;
}
function annotationTitle(problem) {
    if (problem.certificate)
        return `Manifest: certificate ${problem.certificate}`;
    return 'Manifest';
}

;// CONCATENATED MODULE: ./lib/manifest/suggest.js
/**
 * Returns the optimal string alignment distance, in which insertions, deletions,
 * substitutions and transpositions of adjacent characters each cost 1.
 */
function editDistance(a, b) {
    const rows = a.length + 1;
    const columns = b.length + 1;
    // Row 0 and column 0 hold the cost of building a prefix from nothing: its length.
    const distance = Array.from({ length: rows }, () => new Array(columns).fill(0));
    for (let i = 0; i < rows; i++)
        distance[i][0] = i;
    for (let j = 0; j < columns; j++)
        distance[0][j] = j;
    for (let i = 1; i < rows; i++) {
        for (let j = 1; j < columns; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            let best = Math.min(distance[i - 1][j] + 1, distance[i][j - 1] + 1, distance[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
                best = Math.min(best, distance[i - 2][j - 2] + 1);
            }
            distance[i][j] = best;
        }
    }
    return distance[a.length][b.length];
}
/** Rewrites `keyType`, `key_type` and `Key-Type` as `key-type`. */
function toKebabCase(text) {
    return text
        .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
        .replace(/[_\s]+/g, '-')
        .toLowerCase();
}
/**
 * Returns the candidate the user most likely meant, or undefined when none is close.
 * A candidate matches when it equals the input in kebab case, or lies within an edit
 * distance of 1 for inputs up to 4 characters and 2 for longer ones.
 */
function closestMatch(input, candidates) {
    const kebab = toKebabCase(input);
    const exact = candidates.find((candidate) => candidate === kebab);
    if (exact !== undefined)
        return exact;
    const limit = kebab.length <= 4 ? 1 : 2;
    let best;
    let bestDistance = limit + 1;
    for (const candidate of candidates) {
        const distance = editDistance(kebab, candidate);
        if (distance < bestDistance) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return best;
}
/** Formats the " Did you mean `x`?" tail of a message, or '' when nothing is close. */
function didYouMean(input, candidates) {
    const match = closestMatch(input, candidates);
    return match === undefined ? '' : ` Did you mean \`${match}\`?`;
}

;// CONCATENATED MODULE: ./lib/manifest/reader.js


/**
 * Reads typed values out of a parsed manifest and records a problem for every value
 * of the wrong type or form. Each read returns undefined after recording a problem,
 * so callers keep going and the user sees every fault in one run.
 */
class ManifestReader {
    file;
    document;
    lineCounter;
    problems;
    certificate;
    constructor(file, document, lineCounter, problems, certificate) {
        this.file = file;
        this.document = document;
        this.lineCounter = lineCounter;
        this.problems = problems;
        this.certificate = certificate;
    }
    /** Returns a reader whose problems name `certificate`, sharing this reader's problem list. */
    forCertificate(certificate) {
        return new ManifestReader(this.file, this.document, this.lineCounter, this.problems, certificate);
    }
    /** Returns how many problems all readers sharing this list have recorded. */
    problemCount() {
        return this.problems.length;
    }
    positionOf(node) {
        const offset = node?.range?.[0] ?? 0;
        const { line, col } = this.lineCounter.linePos(offset);
        return { line, column: col };
    }
    positionOfOffset(offset) {
        const { line, col } = this.lineCounter.linePos(offset);
        return { line, column: col };
    }
    report(where, path, message) {
        const position = where !== undefined && 'line' in where ? where : this.positionOf(where);
        const problem = { file: this.file, ...position, message };
        if (path)
            problem.path = path;
        if (this.certificate !== undefined)
            problem.certificate = this.certificate;
        this.problems.push(problem);
    }
    /** Follows an alias (`*name`) to the node its anchor marks. */
    resolve(node) {
        if (!(0,dist/* isAlias */.Vj)(node))
            return node;
        return node.resolve(this.document) ?? node;
    }
    /** Reads a map's entries, rejecting keys that are not plain strings and YAML merge keys. */
    readMap(node, path, expected) {
        const map = this.resolve(node);
        if (!(0,dist/* isMap */.jh)(map)) {
            this.report(node, path, `expected ${expected} (a map of \`key: value\` lines), found ${reader_describe(map)}.`);
            return undefined;
        }
        const entries = [];
        for (const pair of map.items) {
            const keyNode = pair.key;
            if (!(0,dist/* isScalar */.jn)(keyNode) || typeof keyNode.value !== 'string') {
                this.report(keyNode ?? map, path, `keys must be plain strings, found ${reader_describe(keyNode ?? undefined)}.`);
                continue;
            }
            const key = keyNode.value;
            const entryPath = path ? `${path}.${key}` : key;
            if (key === '<<') {
                this.report(keyNode, entryPath, 'YAML merge keys (`<<`) are not supported: put shared settings under `defaults` instead.');
                continue;
            }
            const value = pair.value === null ? nullAt(keyNode) : this.resolve(pair.value);
            entries.push({ key, keyNode, value, path: entryPath });
        }
        return entries;
    }
    /**
     * Records an "unknown key" problem, with a suggestion, for every key outside
     * `allowed`. Returns the known entries and the keys suggested, so that a caller
     * need not also report a suggested key as missing.
     */
    rejectUnknownKeys(entries, allowed, where) {
        const known = [];
        const suggested = new Set();
        for (const entry of entries) {
            if (allowed.includes(entry.key)) {
                known.push(entry);
                continue;
            }
            const suggestion = closestMatch(entry.key, allowed);
            if (suggestion !== undefined)
                suggested.add(suggestion);
            const fix = suggestion === undefined
                ? ` Allowed keys: ${allowed.join(', ')}.`
                : ` Did you mean \`${suggestion}\`?`;
            this.report(entry.keyNode, entry.path, `unknown key \`${entry.key}\` in ${where}.${fix}`);
        }
        return { known, suggested };
    }
    readList(node, path, expected) {
        const list = this.resolve(node);
        if (!(0,dist/* isSeq */.oP)(list)) {
            this.report(node, path, `expected ${expected} (a YAML list), found ${reader_describe(list)}.`);
            return undefined;
        }
        return list.items.map((item) => this.resolve(item));
    }
    /**
     * Returns where each list item starts: the `-` of a block list, or the item itself
     * in a flow list (`[a, b]`). A certificate's position is its list item.
     */
    itemPositions(node) {
        const list = this.resolve(node);
        if (!(0,dist/* isSeq */.oP)(list))
            return [];
        const token = list.srcToken;
        return list.items.map((item, index) => {
            if (token?.type === 'block-seq') {
                const indicator = token.items[index]?.start.find((part) => part.type === 'seq-item-ind');
                if (indicator && 'offset' in indicator)
                    return this.positionOfOffset(indicator.offset);
            }
            return this.positionOf(item);
        });
    }
    readString(node, path, hint) {
        if ((0,dist/* isScalar */.jn)(node) && typeof node.value === 'string') {
            if (node.value.trim() !== '')
                return node.value;
            this.report(node, path, `the value is empty: ${hint}.`);
            return undefined;
        }
        this.report(node, path, `expected a string, found ${reader_describe(node)}: ${hint}.`);
        return undefined;
    }
    readBoolean(node, path) {
        if ((0,dist/* isScalar */.jn)(node) && typeof node.value === 'boolean')
            return node.value;
        const quoted = (0,dist/* isScalar */.jn)(node) && typeof node.value === 'string'
            ? ' (YAML 1.2 reads `yes`, `no`, `on` and `off` as strings)'
            : '';
        this.report(node, path, `expected \`true\` or \`false\`, found ${reader_describe(node)}${quoted}.`);
        return undefined;
    }
    /** Reads a string that must be one of `choices`, suggesting the closest one when it is not. */
    readChoice(node, path, choices) {
        if ((0,dist/* isScalar */.jn)(node) &&
            typeof node.value === 'string' &&
            choices.includes(node.value)) {
            return node.value;
        }
        const text = (0,dist/* isScalar */.jn)(node) && node.value !== null ? String(node.value) : '';
        const suggestion = text ? didYouMean(text, choices) : '';
        this.report(node, path, `expected one of ${choices.join(', ')}, found ${reader_describe(node)}.${suggestion}`);
        return undefined;
    }
}
/** Describes a node's type and value for a message, as in "the number 3" or "a list". */
function reader_describe(node) {
    if (node === undefined || node === null)
        return 'nothing';
    if ((0,dist/* isMap */.jh)(node))
        return 'a map';
    if ((0,dist/* isSeq */.oP)(node))
        return 'a list';
    if ((0,dist/* isAlias */.Vj)(node))
        return `the alias *${node.source}`;
    if (!(0,dist/* isScalar */.jn)(node))
        return 'an unsupported value';
    const value = node.value;
    if (value === null)
        return 'no value';
    if (typeof value === 'string')
        return `the string \`${value}\``;
    if (typeof value === 'boolean')
        return `the boolean \`${value}\``;
    if (typeof value === 'number' || typeof value === 'bigint')
        return `the number \`${String(value)}\``;
    return `\`${String(value)}\``;
}
/** True when the node is an explicit YAML null (`key:`, `key: ~` or `key: null`). */
function isNull(node) {
    return (0,dist/* isScalar */.jn)(node) && node.value === null;
}
function nullAt(keyNode) {
    const placeholder = new dist/* Scalar */.X5(null);
    if (keyNode.range)
        placeholder.range = keyNode.range;
    return placeholder;
}

;// CONCATENATED MODULE: ./lib/dns/providers/shared/errors.js

/** Failure of a cloud DNS provider; the message starts with the provider id. */
class ProviderError extends Error {
    provider;
    constructor(provider, message, options) {
        super(`${provider}: ${message}`, options);
        this.provider = provider;
        this.name = 'ProviderError';
    }
}
/** Reads an optional setting (NAME or NAME_FILE) and prefixes any error with the provider id. */
function readSetting(provider, env, name) {
    try {
        return readEnv(env, name);
    }
    catch (error) {
        if (error instanceof EnvironmentError)
            throw new ProviderError(provider, error.message, { cause: error });
        throw error;
    }
}
/** Reads the first of `names` that is set; the error for a missing value names the first one. */
function requireSetting(provider, env, names, purpose) {
    for (const name of names) {
        const value = readSetting(provider, env, name);
        if (value !== undefined)
            return value;
    }
    const [first, ...aliases] = names;
    const alias = aliases.length > 0 ? ` (also read from ${aliases.join(', ')})` : '';
    throw new ProviderError(provider, `Missing ${first} (or ${first}_FILE)${alias}: ${purpose}.`);
}
/** Returns the message of any thrown value. */
function messageOf(error) {
    return error instanceof Error ? error.message : String(error);
}

;// CONCATENATED MODULE: ./lib/dns/names.js

/** Raised when a DNS name cannot be used, with the name and the reason in the message. */
class InvalidDnsNameError extends Error {
    constructor(message) {
        super(message);
        this.name = 'InvalidDnsNameError';
    }
}
const names_MAX_NAME_LENGTH = 253;
const names_MAX_LABEL_LENGTH = 63;
// Letters, digits and hyphens (RFC 1123), plus the underscore that service labels
// such as `_acme-challenge` use (RFC 8552).
const LABEL_PATTERN = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;
/**
 * Normalizes a DNS name to the one form the project uses everywhere: lower case,
 * A-labels for internationalized names, no trailing dot. A leading `*.` label is kept.
 * Throws InvalidDnsNameError naming the input when the result is not a valid name.
 */
function names_normalizeDnsName(input) {
    const trimmed = input.trim();
    const withoutRoot = trimmed.endsWith('.') ? trimmed.slice(0, -1) : trimmed;
    if (withoutRoot === '') {
        throw new InvalidDnsNameError(`Invalid DNS name '${input}': the name is empty.`);
    }
    const ascii = (0,external_node_url_namespaceObject.domainToASCII)(withoutRoot);
    if (ascii === '') {
        throw new InvalidDnsNameError(`Invalid DNS name '${input}': it contains characters that no host name may contain.`);
    }
    validateAsciiName(ascii, input);
    return ascii;
}
function validateAsciiName(name, input) {
    if (name.length > names_MAX_NAME_LENGTH) {
        throw new InvalidDnsNameError(`Invalid DNS name '${input}': it is ${name.length} characters long, the maximum is ${names_MAX_NAME_LENGTH}.`);
    }
    const labels = name.split('.');
    labels.forEach((label, index) => {
        if (label === '*' && index === 0)
            return;
        if (label === '') {
            throw new InvalidDnsNameError(`Invalid DNS name '${input}': it contains an empty label.`);
        }
        if (label.length > names_MAX_LABEL_LENGTH) {
            throw new InvalidDnsNameError(`Invalid DNS name '${input}': label '${label}' is ${label.length} characters long, the maximum is ${names_MAX_LABEL_LENGTH}.`);
        }
        if (!LABEL_PATTERN.test(label)) {
            throw new InvalidDnsNameError(`Invalid DNS name '${input}': label '${label}' may contain only letters, digits, '-' and '_', and may not start or end with '-'.`);
        }
    });
}
/** Returns the owner name of the DNS-01 TXT record for `domain` (RFC 8555 section 8.4); a wildcard uses its base name. */
function challengeName(domain) {
    const normalized = names_normalizeDnsName(domain);
    const base = normalized.startsWith('*.') ? normalized.slice(2) : normalized;
    return `_acme-challenge.${base}`;
}
/** Returns true when `name` equals `zone` or lies below it; both must be normalized. */
function isInZone(name, zone) {
    return name === zone || name.endsWith(`.${zone}`);
}
/** Returns the name one label up, or undefined for a single-label name. */
function parentName(name) {
    const dot = name.indexOf('.');
    return dot === -1 ? undefined : name.slice(dot + 1);
}

;// CONCATENATED MODULE: ./lib/dns/providers/shared/names.js


/**
 * Normalizes a DNS name (lower case A-labels, no trailing dot), the form every
 * provider in this folder compares names in. Each provider converts from this form
 * to its API's own form in one function.
 */
const names_normalizeName = names_normalizeDnsName;
/** Normalizes the owner name of a challenge record, prefixing an invalid-name error with the provider id. */
function normalizeRecordName(provider, name) {
    try {
        return names_normalizeDnsName(name);
    }
    catch (error) {
        if (error instanceof InvalidDnsNameError)
            throw new ProviderError(provider, error.message, { cause: error });
        throw error;
    }
}
/** Returns `name` relative to `zone`, with `@` for the apex (the form Alibaba, Tencent and Azure use). */
function relativeName(name, zone) {
    if (name === zone)
        return '@';
    return name.slice(0, name.length - zone.length - 1);
}
/** Returns the absolute form with the trailing dot (the form Route 53 and Google use). */
function absoluteName(name) {
    return `${name}.`;
}
/**
 * Picks the longest zone that contains `name` from every zone the credentials can
 * see, so `a.b.example.com` goes to a delegated `b.example.com` before `example.com`.
 */
function pickLongestZone(name, zones, zoneName) {
    let best;
    let bestLength = -1;
    for (const zone of zones) {
        const candidate = names_normalizeName(zoneName(zone));
        if (isInZone(name, candidate) && candidate.length > bestLength) {
            best = zone;
            bestLength = candidate.length;
        }
    }
    return best;
}

;// CONCATENATED MODULE: ./lib/dns/providers/shared/http.js

/** Sends one request with global fetch; a network failure becomes a ProviderError naming the URL. */
async function send(provider, request) {
    let response;
    try {
        response = await fetch(request.url, {
            method: request.method,
            headers: request.headers,
            body: request.body,
            signal: AbortSignal.timeout(60_000),
        });
    }
    catch (error) {
        const cause = error instanceof Error && error.cause ? ` (${messageOf(error.cause)})` : '';
        throw new ProviderError(provider, `${request.method} ${withoutQuery(request.url)} failed: ${messageOf(error)}${cause}. Check the network and the API base URL.`, { cause: error });
    }
    return { status: response.status, headers: response.headers, text: await response.text() };
}
/** Parses a JSON body, raising a ProviderError that shows the status and the start of the body. */
function parseJson(provider, request, response) {
    try {
        return JSON.parse(response.text);
    }
    catch {
        throw new ProviderError(provider, `${request.method} ${withoutQuery(request.url)} returned HTTP ${response.status} with a body that is not JSON: ${response.text.slice(0, 200)}`);
    }
}
/** Drops the query, which may carry signatures or tokens, from a URL shown in messages. */
function withoutQuery(url) {
    const index = url.indexOf('?');
    return index === -1 ? url : url.slice(0, index);
}
/** Joins a base URL from settings (with or without a trailing slash) and a path. */
function joinUrl(base, path) {
    return `${base.replace(/\/+$/, '')}${path}`;
}

;// CONCATENATED MODULE: ./lib/dns/providers/alidns/signature.js

/**
 * Percent-encodes the way the Alibaba Cloud RPC signature requires: RFC 3986
 * unreserved characters stay, everything else becomes `%XY`, and a space is `%20`.
 */
function percentEncode(text) {
    return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
/** Returns the canonicalized query: parameters sorted by name, names and values percent-encoded. */
function canonicalizedQuery(parameters) {
    return Object.keys(parameters)
        .sort()
        .map((key) => `${percentEncode(key)}=${percentEncode(parameters[key] ?? '')}`)
        .join('&');
}
/**
 * Computes the `Signature` parameter of the RPC signature version 1.0: base64 of
 * HMAC-SHA1, keyed with the AccessKey secret plus `&`, over
 * `METHOD&%2F&percentEncode(canonicalized query)`.
 */
function signRpc(method, parameters, accessKeySecret) {
    const stringToSign = `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonicalizedQuery(parameters))}`;
    return (0,external_node_crypto_namespaceObject.createHmac)('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64');
}

;// CONCATENATED MODULE: ./lib/dns/providers/alidns/client.js




const PROVIDER = 'alidns';
const API_VERSION = '2015-01-09';
class AlidnsApiError extends ProviderError {
    action;
    status;
    code;
    constructor(action, status, code, detail) {
        super(PROVIDER, `${action} failed with HTTP ${status}: ${code}: ${detail}`);
        this.action = action;
        this.status = status;
        this.code = code;
    }
}
/** Alibaba Cloud DNS client: RPC-style GET requests signed with signature version 1.0 (HMAC-SHA1). */
class AlidnsClient {
    endpoint;
    credentials;
    now;
    constructor(endpoint, credentials, 
    /** Clock and nonce source, replaceable so a test can reproduce a signature. */
    now = () => new Date()) {
        this.endpoint = endpoint;
        this.credentials = credentials;
        this.now = now;
    }
    async call(action, parameters) {
        const all = {
            ...parameters,
            Action: action,
            Format: 'JSON',
            Version: API_VERSION,
            AccessKeyId: this.credentials.accessKeyId,
            SignatureMethod: 'HMAC-SHA1',
            SignatureVersion: '1.0',
            SignatureNonce: (0,external_node_crypto_namespaceObject.randomUUID)(),
            Timestamp: this.now()
                .toISOString()
                .replace(/\.\d{3}Z$/, 'Z'),
        };
        if (this.credentials.securityToken)
            all.SecurityToken = this.credentials.securityToken;
        const signature = signRpc('GET', all, this.credentials.accessKeySecret);
        const base = this.endpoint.endsWith('/') ? this.endpoint : `${this.endpoint}/`;
        const request = {
            method: 'GET',
            url: `${base}?${canonicalizedQuery(all)}&Signature=${percentEncode(signature)}`,
        };
        const response = await send(PROVIDER, request);
        const body = parseJson(PROVIDER, request, response);
        if (response.status >= 400 || (body.Code !== undefined && body.Message !== undefined)) {
            throw new AlidnsApiError(`${action} (GET ${withoutQuery(request.url)})`, response.status, body.Code ?? 'Error', body.Message ?? response.text.slice(0, 200));
        }
        return body;
    }
}

;// CONCATENATED MODULE: ./lib/dns/providers/alidns/index.js



const alidns_PROVIDER = 'alidns';
const DOMAIN_PAGE_SIZE = 100;
const RECORD_PAGE_SIZE = 500;
/** Smallest TTL the free edition of Alibaba Cloud DNS accepts, in seconds. */
const TXT_TTL = 600;
/** Converts a normalized name and its zone to the API's form: `DomainName` plus the relative `RR`. */
function toAlidnsName(name, zone) {
    return { DomainName: zone, RR: relativeName(name, zone) };
}
function createAlidnsClient(env) {
    const accessKeyId = requireSetting(alidns_PROVIDER, env, ['ALICLOUD_ACCESS_KEY'], 'the AccessKey ID of a RAM user with AliyunDNSFullAccess or a narrower DNS policy');
    const accessKeySecret = requireSetting(alidns_PROVIDER, env, ['ALICLOUD_SECRET_KEY'], 'the AccessKey secret that belongs to ALICLOUD_ACCESS_KEY');
    const region = readSetting(alidns_PROVIDER, env, 'ALICLOUD_REGION_ID');
    const endpoint = readSetting(alidns_PROVIDER, env, 'ALICLOUD_API_BASE_URL') ??
        (region ? `https://alidns.${region}.aliyuncs.com/` : 'https://alidns.aliyuncs.com/');
    return new AlidnsClient(endpoint, {
        accessKeyId,
        accessKeySecret,
        securityToken: readSetting(alidns_PROVIDER, env, 'ALICLOUD_SECURITY_TOKEN'),
    });
}
/** Alibaba Cloud DNS provider: one record per TXT value, so values on one name never conflict. */
class AlidnsProvider {
    client;
    configuredZone;
    logger;
    name = alidns_PROVIDER;
    // NOTE: an estimate. Neither Alibaba nor Tencent documents how long its authoritative servers take.
    propagationTimeoutMs = 600_000;
    /** Record ids that `present` created, keyed by name and value. */
    added = new Map();
    domains;
    constructor(client, configuredZone, logger) {
        this.client = client;
        this.configuredZone = configuredZone;
        this.logger = logger;
    }
    async present(record) {
        const name = normalizeRecordName(alidns_PROVIDER, record.name);
        const zone = await this.findZone(name);
        try {
            const response = await this.client.call('AddDomainRecord', {
                ...toAlidnsName(name, zone),
                Type: 'TXT',
                Value: record.value,
                TTL: String(TXT_TTL),
            });
            this.added.set(`${name}\n${record.value}`, response.RecordId);
            this.logger?.debug(`${alidns_PROVIDER}: added TXT ${name} in domain ${zone} (record ${response.RecordId})`);
        }
        catch (error) {
            if (!(error instanceof AlidnsApiError) || error.code !== 'DomainRecordDuplicate')
                throw error;
            this.logger?.debug(`${alidns_PROVIDER}: TXT ${name} already has this value, so clean-up will find it by value`);
        }
    }
    async cleanUp(record) {
        const name = normalizeRecordName(alidns_PROVIDER, record.name);
        const key = `${name}\n${record.value}`;
        const known = this.added.get(key);
        const ids = known
            ? [known]
            : await this.findRecordIds(name, await this.findZone(name), record.value);
        for (const id of ids) {
            await this.client.call('DeleteDomainRecord', { RecordId: id });
            this.logger?.debug(`${alidns_PROVIDER}: deleted TXT ${name} (record ${id})`);
        }
        this.added.delete(key);
    }
    async listDomains() {
        const names = [];
        for (let page = 1;; page += 1) {
            const response = await this.client.call('DescribeDomains', {
                PageNumber: String(page),
                PageSize: String(DOMAIN_PAGE_SIZE),
            });
            const domains = response.Domains.Domain;
            names.push(...domains.map((domain) => names_normalizeName(domain.DomainName)));
            // The server may cap the page size below the one requested, so its own PageSize counts.
            const pageSize = response.PageSize ?? DOMAIN_PAGE_SIZE;
            if (page * pageSize >= response.TotalCount || domains.length === 0)
                return names;
        }
    }
    async findZone(name) {
        if (this.configuredZone)
            return this.configuredZone;
        this.domains ??= this.listDomains();
        this.domains.catch(() => (this.domains = undefined));
        const domains = await this.domains;
        const zone = pickLongestZone(name, domains, (domain) => domain);
        if (!zone) {
            throw new ProviderError(alidns_PROVIDER, `No domain visible to ALICLOUD_ACCESS_KEY contains ${name} (domains seen: ${domains.join(', ') || 'none'}). ` +
                'Add the domain to Alibaba Cloud DNS, allow alidns:DescribeDomains, or set dns.zone in the manifest.');
        }
        return zone;
    }
    /** Finds records with exactly this value, for a clean-up in a process that did not present it. */
    async findRecordIds(name, zone, value) {
        const target = toAlidnsName(name, zone);
        const ids = [];
        for (let page = 1;; page += 1) {
            const response = await this.client.call('DescribeDomainRecords', {
                DomainName: target.DomainName,
                RRKeyWord: target.RR,
                TypeKeyWord: 'TXT',
                PageNumber: String(page),
                PageSize: String(RECORD_PAGE_SIZE),
            });
            const records = response.DomainRecords.Record;
            // RRKeyWord matches by substring, so the exact RR and value are checked here.
            const matching = records.filter((r) => r.RR === target.RR && r.Type === 'TXT' && r.Value === value);
            ids.push(...matching.map((r) => r.RecordId));
            if (page * RECORD_PAGE_SIZE >= response.TotalCount || records.length === 0)
                return ids;
        }
    }
}
/** Creates the Alibaba Cloud DNS provider from the manifest settings and the environment. */
function createAlidnsProvider(settings, env, logger) {
    const configuredZone = settings.zone ? names_normalizeName(settings.zone) : undefined;
    return new AlidnsProvider(createAlidnsClient(env), configuredZone, logger);
}

;// CONCATENATED MODULE: ./lib/dns/providers/shared/oauth.js


/** Access tokens are renewed when they expire within this many milliseconds. */
const RENEW_MARGIN_MS = 5 * 60_000;
/** Caches an access token and fetches a new one shortly before it expires; concurrent callers share one fetch. */
function cacheToken(fetchToken) {
    let current;
    return async () => {
        if (current) {
            const token = await current.catch(() => undefined);
            if (token && token.expiresAt - RENEW_MARGIN_MS > Date.now())
                return token.token;
        }
        current = fetchToken();
        return (await current).token;
    };
}
/** Error from a JSON API whose failures look like `{"error": {"code", "message"}}` (Google, Azure, OAuth). */
class JsonApiError extends ProviderError {
    status;
    code;
    constructor(provider, status, code, summary) {
        super(provider, summary);
        this.status = status;
        this.code = code;
    }
}
/** Sends a request and parses the JSON reply, turning an HTTP error into a JsonApiError with the API's message. */
async function callJson(provider, operation, request) {
    const response = await send(provider, request);
    if (response.status < 400) {
        const body = response.text === '' ? {} : parseJson(provider, request, response);
        return { status: response.status, body, headers: response.headers };
    }
    let code = `HTTP ${response.status}`;
    let message = response.text.slice(0, 300);
    try {
        const body = JSON.parse(response.text);
        if (typeof body.error === 'string') {
            code = body.error;
            message = body.error_description ?? message;
        }
        else if (body.error) {
            code = String(body.error.status ?? body.error.code ?? code);
            message = body.error.message ?? message;
        }
    }
    catch {
        // The body is not JSON; its start is shown as it is.
    }
    throw new JsonApiError(provider, response.status, code, `${operation} (${request.method} ${withoutQuery(request.url)}) failed with HTTP ${response.status}: ${code}: ${message}`);
}

;// CONCATENATED MODULE: ./lib/dns/providers/shared/serialize.js
/**
 * Runs tasks that share a key one after another, in call order. Providers that keep
 * every TXT value of a name in one record set read, modify and write that set, so two
 * concurrent writers on one name would otherwise overwrite each other's value.
 */
class KeyedQueue {
    tails = new Map();
    run(key, task) {
        const previous = this.tails.get(key) ?? Promise.resolve();
        const result = previous.then(task, task);
        const tail = result.catch(() => undefined);
        this.tails.set(key, tail);
        void tail.then(() => {
            if (this.tails.get(key) === tail)
                this.tails.delete(key);
        });
        return result;
    }
}
/**
 * Runs `attempt` again while it fails with an error that `isConflict` accepts, at most
 * `maxAttempts` times in all. The API's concurrency guard raises such a conflict when
 * another writer (another job, not this process) changed the record set in between.
 */
async function retryOnConflict(maxAttempts, attempt, isConflict) {
    for (let tries = 1;; tries += 1) {
        try {
            return await attempt();
        }
        catch (error) {
            if (tries >= maxAttempts || !isConflict(error))
                throw error;
        }
    }
}

;// CONCATENATED MODULE: ./lib/dns/providers/shared/rrset.js

/** Attempts for one change when the API reports that another writer changed the set first. */
const MAX_CONFLICT_ATTEMPTS = 5;
/** TTL of a record set this editor creates, in seconds. */
const DEFAULT_TXT_TTL = 60;
/**
 * Adds and removes single values of a TXT record set for providers that store all
 * values of a name as one set (Route 53, Google Cloud DNS, Azure DNS). Changes to one
 * name run one at a time inside this process, and each write carries the API's guard
 * against writers outside it, retried on conflict with a fresh read.
 */
class TxtRecordSetEditor {
    api;
    queue = new KeyedQueue();
    constructor(api) {
        this.api = api;
    }
    /** Adds `value` beside the existing values; returns false when the value was already there. */
    add(zone, name, value) {
        return this.change(name, async () => {
            const current = await this.api.read(zone, name);
            if (current?.values.includes(value))
                return false;
            await this.api.write(zone, name, current, [...(current?.values ?? []), value]);
            return true;
        });
    }
    /** Removes `value` only, deleting the set when no other value remains; returns false when it was absent. */
    remove(zone, name, value) {
        return this.change(name, async () => {
            const current = await this.api.read(zone, name);
            if (!current?.values.includes(value))
                return false;
            await this.api.write(zone, name, current, current.values.filter((existing) => existing !== value));
            return true;
        });
    }
    change(name, step) {
        return this.queue.run(name, () => retryOnConflict(MAX_CONFLICT_ATTEMPTS, step, (error) => this.api.isConflict(error)));
    }
}

;// CONCATENATED MODULE: ./lib/dns/providers/shared/txt.js
/** Maximum length of one character-string inside a TXT record (RFC 1035 section 3.3). */
const MAX_STRING_BYTES = 255;
/** Splits a TXT value into character-strings of at most 255 bytes each, never inside a UTF-8 sequence. */
function chunkTxtValue(value) {
    const bytes = Buffer.from(value, 'utf8');
    if (bytes.length <= MAX_STRING_BYTES)
        return [value];
    const chunks = [];
    let start = 0;
    while (start < bytes.length) {
        let end = Math.min(start + MAX_STRING_BYTES, bytes.length);
        // A byte of the form 10xxxxxx continues a UTF-8 sequence, so the cut moves back before it.
        while (end < bytes.length && end > start && ((bytes[end] ?? 0) & 0xc0) === 0x80)
            end -= 1;
        chunks.push(bytes.subarray(start, end).toString('utf8'));
        start = end;
    }
    return chunks;
}
/** Quotes one character-string in zone-file presentation form, escaping `"` and `\`. */
function quoteString(text) {
    return `"${text.replace(/[\\"]/g, (character) => `\\${character}`)}"`;
}
/** Returns the presentation form (`"chunk1" "chunk2"`) that Route 53 and Google Cloud DNS store. */
function quoteTxtValue(value) {
    return chunkTxtValue(value).map(quoteString).join(' ');
}
/**
 * Parses the presentation form back to the plain value by joining its strings, so
 * a value read from the API compares equal to the value that was written. Text
 * outside quotes is taken as one unquoted string.
 */
function unquoteTxtValue(presentation) {
    const parts = [];
    const pattern = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
    for (const match of presentation.matchAll(pattern)) {
        const quoted = match[1];
        if (quoted !== undefined)
            parts.push(quoted.replace(/\\(.)/g, '$1'));
        else
            parts.push(match[2] ?? '');
    }
    return parts.join('');
}

;// CONCATENATED MODULE: ./lib/dns/providers/azure/credentials.js



const credentials_PROVIDER = 'azure';
const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
const ARM_SCOPE = 'https://management.azure.com/.default';
/** Audience Microsoft Entra ID expects in a federated token from GitHub Actions. */
const GITHUB_OIDC_AUDIENCE = 'api://AzureADTokenExchange';
/**
 * Returns a function that yields an Azure Resource Manager access token from the
 * client credentials grant of Microsoft Entra ID. The first client proof found is
 * used: `AZURE_CLIENT_SECRET`, then the token in `AZURE_FEDERATED_TOKEN_FILE`
 * (workload identity, re-read on each renewal), then a GitHub Actions OIDC token
 * when the job has the `id-token: write` permission.
 */
function azureTokenSource(env) {
    const tenantId = requireSetting(credentials_PROVIDER, env, ['AZURE_TENANT_ID'], 'the directory (tenant) id of the app registration');
    const clientId = requireSetting(credentials_PROVIDER, env, ['AZURE_CLIENT_ID'], 'the application (client) id of the app registration');
    const authorityHost = readSetting(credentials_PROVIDER, env, 'AZURE_AUTHORITY_HOST') ?? DEFAULT_AUTHORITY_HOST;
    const clientProof = clientProofSource(env);
    const tokenUrl = `${authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
    return cacheToken(async () => {
        const form = new URLSearchParams({
            client_id: clientId,
            scope: ARM_SCOPE,
            grant_type: 'client_credentials',
            ...(await clientProof()),
        });
        const { body } = await callJson(credentials_PROVIDER, `Token request for client ${clientId}`, {
            method: 'POST',
            url: tokenUrl,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: form.toString(),
        });
        return { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
    });
}
function clientProofSource(env) {
    const secret = readSetting(credentials_PROVIDER, env, 'AZURE_CLIENT_SECRET');
    if (secret)
        return () => Promise.resolve({ client_secret: secret });
    const assertion = (token) => ({
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: token,
    });
    const tokenFile = env.AZURE_FEDERATED_TOKEN_FILE;
    if (tokenFile) {
        return () => {
            try {
                return Promise.resolve(assertion((0,external_node_fs_namespaceObject.readFileSync)(tokenFile, 'utf8').trim()));
            }
            catch (error) {
                return Promise.reject(new ProviderError(credentials_PROVIDER, `Cannot read AZURE_FEDERATED_TOKEN_FILE (${tokenFile}): ${messageOf(error)}`));
            }
        };
    }
    const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    if (requestUrl && requestToken) {
        return async () => {
            const url = `${requestUrl}${requestUrl.includes('?') ? '&' : '?'}audience=${encodeURIComponent(GITHUB_OIDC_AUDIENCE)}`;
            const { body } = await callJson(credentials_PROVIDER, 'GitHub Actions OIDC token request', {
                method: 'GET',
                url,
                headers: { authorization: `Bearer ${requestToken}` },
            });
            return assertion(body.value);
        };
    }
    throw new ProviderError(credentials_PROVIDER, 'Missing AZURE_CLIENT_SECRET (or AZURE_CLIENT_SECRET_FILE): set it, or AZURE_FEDERATED_TOKEN_FILE, ' +
        'or give the GitHub Actions job the id-token: write permission for OIDC federation.');
}

;// CONCATENATED MODULE: ./lib/dns/providers/azure/index.js







const azure_PROVIDER = 'azure';
const azure_API_VERSION = '2018-05-01';
const DEFAULT_BASE_URL = 'https://management.azure.com';
/**
 * Converts a normalized name and its zone to the API's form: the record set name
 * relative to the zone (`@` for the apex), which Azure puts in the resource path.
 */
function toAzureName(name, zone) {
    return relativeName(name, names_normalizeName(zone));
}
/** Azure DNS provider, which keeps all TXT values of a name in one record set guarded by its etag. */
class AzureProvider {
    baseUrl;
    subscription;
    resourceGroup;
    accessToken;
    configuredZone;
    logger;
    name = azure_PROVIDER;
    propagationTimeoutMs = 120_000;
    zones;
    editor;
    constructor(baseUrl, subscription, resourceGroup, accessToken, configuredZone, logger) {
        this.baseUrl = baseUrl;
        this.subscription = subscription;
        this.resourceGroup = resourceGroup;
        this.accessToken = accessToken;
        this.configuredZone = configuredZone;
        this.logger = logger;
        this.editor = new TxtRecordSetEditor({
            read: (zone, name) => this.readSet(zone, name),
            write: (zone, name, current, values) => this.writeSet(zone, name, current, values),
            isConflict: (error) => error instanceof JsonApiError && error.status === 412,
        });
    }
    async present(record) {
        const name = normalizeRecordName(azure_PROVIDER, record.name);
        const zone = await this.findZone(name);
        const added = await this.editor.add(zone, name, record.value);
        this.logger?.debug(`${azure_PROVIDER}: ${added ? 'added' : 'already had'} TXT value at ${name} in zone ${zone.name}`);
    }
    async cleanUp(record) {
        const name = normalizeRecordName(azure_PROVIDER, record.name);
        const zone = await this.findZone(name);
        const removed = await this.editor.remove(zone, name, record.value);
        this.logger?.debug(`${azure_PROVIDER}: ${removed ? 'removed' : 'found no'} TXT value at ${name} in zone ${zone.name}`);
    }
    async authoritativeServers(record) {
        const zone = await this.findZone(normalizeRecordName(azure_PROVIDER, record.name));
        return (zone.properties?.nameServers ?? []).map((server) => `${server.replace(/\.$/, '')}:53`);
    }
    async call(operation, method, url, extraHeaders = {}, body) {
        const headers = {
            authorization: `Bearer ${await this.accessToken()}`,
            ...extraHeaders,
        };
        if (body !== undefined)
            headers['content-type'] = 'application/json';
        const request = {
            method,
            url,
            headers,
            body: body === undefined ? undefined : JSON.stringify(body),
        };
        return (await callJson(azure_PROVIDER, operation, request)).body;
    }
    async listZones() {
        const scope = this.resourceGroup
            ? `/subscriptions/${this.subscription}/resourceGroups/${this.resourceGroup}`
            : `/subscriptions/${this.subscription}`;
        const zones = [];
        let url = joinUrl(this.baseUrl, `${scope}/providers/Microsoft.Network/dnsZones?api-version=${azure_API_VERSION}`);
        while (url) {
            const page = await this.call('Zones.List', 'GET', url);
            zones.push(...page.value);
            url = page.nextLink;
        }
        return zones;
    }
    async findZone(name) {
        this.zones ??= this.listZones();
        this.zones.catch(() => (this.zones = undefined));
        const publicZones = (await this.zones).filter((zone) => zone.properties?.zoneType !== 'Private');
        const candidates = this.configuredZone
            ? publicZones.filter((zone) => names_normalizeName(zone.name) === this.configuredZone)
            : publicZones;
        const zone = pickLongestZone(name, candidates, (candidate) => candidate.name);
        if (!zone) {
            const seen = publicZones.map((candidate) => candidate.name).join(', ') || 'none';
            const where = this.resourceGroup
                ? `resource group ${this.resourceGroup}`
                : `subscription ${this.subscription}`;
            throw new ProviderError(azure_PROVIDER, `No DNS zone in ${where} contains ${name} (zones seen: ${seen}). Check AZURE_SUBSCRIPTION_ID and ` +
                'AZURE_RESOURCE_GROUP, and grant the app read access to the zone, or set dns.zone in the manifest.');
        }
        return zone;
    }
    recordSetUrl(zone, name) {
        const relative = encodeURIComponent(toAzureName(name, zone.name));
        return joinUrl(this.baseUrl, `${zone.id}/TXT/${relative}?api-version=${azure_API_VERSION}`);
    }
    async readSet(zone, name) {
        try {
            const body = await this.call('RecordSets.Get', 'GET', this.recordSetUrl(zone, name));
            const values = (body.properties.TXTRecords ?? []).map((record) => record.value.join(''));
            return { values, ttl: body.properties.TTL, version: body };
        }
        catch (error) {
            if (error instanceof JsonApiError && error.status === 404)
                return undefined;
            throw error;
        }
    }
    async writeSet(zone, name, current, values) {
        // If-Match with the etag read before (or If-None-Match for a new set) makes the
        // write fail with 412 when another writer changed the set in between.
        const guard = current
            ? { 'if-match': current.version.etag }
            : { 'if-none-match': '*' };
        const url = this.recordSetUrl(zone, name);
        if (values.length === 0) {
            await this.call('RecordSets.Delete', 'DELETE', url, guard);
            return;
        }
        const properties = {
            TTL: current?.ttl ?? DEFAULT_TXT_TTL,
            TXTRecords: values.map((value) => ({ value: chunkTxtValue(value) })),
        };
        await this.call('RecordSets.CreateOrUpdate', 'PUT', url, guard, { properties });
    }
}
/** Creates the Azure DNS provider from the manifest settings and the environment. */
function createAzureProvider(settings, env, logger) {
    const subscription = requireSetting(azure_PROVIDER, env, ['AZURE_SUBSCRIPTION_ID'], 'the subscription that holds the DNS zone');
    const resourceGroup = readSetting(azure_PROVIDER, env, 'AZURE_RESOURCE_GROUP');
    const baseUrl = readSetting(azure_PROVIDER, env, 'AZURE_API_BASE_URL') ?? DEFAULT_BASE_URL;
    const configuredZone = settings.zone ? names_normalizeName(settings.zone) : undefined;
    return new AzureProvider(baseUrl, subscription, resourceGroup, azureTokenSource(env), configuredZone, logger);
}

;// CONCATENATED MODULE: ./lib/dns/providers/cloudflare.js



const cloudflare_PROVIDER = 'cloudflare';
const cloudflare_DEFAULT_BASE_URL = 'https://api.cloudflare.com/client/v4';
const PAGE_SIZE = 50;
/** Cloudflare error code for "An identical record already exists". */
const IDENTICAL_RECORD_EXISTS = 81058;
/** Reads the Cloudflare settings, accepting lego's `CF_` names as aliases. */
function readCloudflareConfig(env) {
    const dnsToken = requireSetting(cloudflare_PROVIDER, env, ['CLOUDFLARE_DNS_API_TOKEN', 'CF_DNS_API_TOKEN'], 'create an API token with the Zone:DNS:Edit permission on the zone');
    const zoneToken = readSetting(cloudflare_PROVIDER, env, 'CLOUDFLARE_ZONE_API_TOKEN') ??
        readSetting(cloudflare_PROVIDER, env, 'CF_ZONE_API_TOKEN');
    return {
        baseUrl: readSetting(cloudflare_PROVIDER, env, 'CLOUDFLARE_API_BASE_URL') ?? cloudflare_DEFAULT_BASE_URL,
        dnsToken,
        zoneToken: zoneToken ?? dnsToken,
    };
}
/** Sends one Cloudflare API v4 call and unwraps its envelope, turning `errors` into a ProviderError. */
async function callCloudflare(config, token, method, path, body) {
    const request = {
        method,
        url: joinUrl(config.baseUrl, path),
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
    };
    const response = await send(cloudflare_PROVIDER, request);
    const envelope = parseJson(cloudflare_PROVIDER, request, response);
    if (response.status >= 400 || !envelope.success) {
        throw new CloudflareApiError(method, withoutQuery(request.url), response.status, envelope.errors ?? []);
    }
    return envelope;
}
class CloudflareApiError extends ProviderError {
    status;
    errors;
    constructor(method, url, status, errors) {
        const details = errors.map((error) => `${error.code} ${error.message}`).join('; ') || 'no error details';
        super(cloudflare_PROVIDER, `${method} ${url} failed with HTTP ${status}: ${details}. Check that the token is valid and has Zone:Zone:Read and Zone:DNS:Edit on the zone.`);
        this.status = status;
        this.errors = errors;
    }
}
/** Lists every zone the zone token can see, following `result_info.total_pages`. */
async function listZones(config, nameFilter) {
    const zones = [];
    const filter = nameFilter ? `&name=${encodeURIComponent(nameFilter)}` : '';
    for (let page = 1;; page += 1) {
        const envelope = await callCloudflare(config, config.zoneToken, 'GET', `/zones?page=${page}&per_page=${PAGE_SIZE}${filter}`);
        zones.push(...envelope.result);
        const totalPages = envelope.result_info?.total_pages ?? 1;
        if (page >= totalPages || envelope.result.length === 0)
            return zones;
    }
}
/** Cloudflare provider: one TXT record per value, so values on one name never conflict. */
class CloudflareProvider {
    config;
    configuredZone;
    logger;
    name = cloudflare_PROVIDER;
    propagationTimeoutMs = 120_000;
    zoneCache = new Map();
    /** Record ids that `present` created, keyed by name and value. */
    added = new Map();
    constructor(config, configuredZone, logger) {
        this.config = config;
        this.configuredZone = configuredZone;
        this.logger = logger;
    }
    async present(record) {
        const name = normalizeRecordName(cloudflare_PROVIDER, record.name);
        const zone = await this.findZone(name);
        try {
            const envelope = await callCloudflare(this.config, this.config.dnsToken, 'POST', `/zones/${zone.id}/dns_records`, { type: 'TXT', name, content: record.value, ttl: 120 });
            this.added.set(recordKey(name, record.value), {
                zoneId: zone.id,
                recordId: envelope.result.id,
            });
            this.logger?.debug(`${cloudflare_PROVIDER}: added TXT ${name} in zone ${zone.name} (record ${envelope.result.id})`);
        }
        catch (error) {
            const identical = error instanceof CloudflareApiError &&
                error.errors.some((e) => e.code === IDENTICAL_RECORD_EXISTS);
            if (!identical)
                throw error;
            this.logger?.debug(`${cloudflare_PROVIDER}: TXT ${name} already has this value, so clean-up will find it by value`);
        }
    }
    async cleanUp(record) {
        const name = normalizeRecordName(cloudflare_PROVIDER, record.name);
        const key = recordKey(name, record.value);
        const known = this.added.get(key);
        const targets = known ? [known] : await this.findRecordsByValue(name, record.value);
        for (const target of targets) {
            await callCloudflare(this.config, this.config.dnsToken, 'DELETE', `/zones/${target.zoneId}/dns_records/${target.recordId}`);
            this.logger?.debug(`${cloudflare_PROVIDER}: deleted TXT ${name} (record ${target.recordId})`);
        }
        this.added.delete(key);
    }
    async authoritativeServers(record) {
        const zone = await this.findZone(normalizeRecordName(cloudflare_PROVIDER, record.name));
        return (zone.name_servers ?? []).map((server) => `${server}:53`);
    }
    findZone(name) {
        const key = this.configuredZone ?? name;
        let zone = this.zoneCache.get(key);
        if (!zone) {
            zone = listZones(this.config, this.configuredZone).then((zones) => {
                const found = pickLongestZone(name, zones, (candidate) => candidate.name);
                if (!found) {
                    const seen = zones.map((candidate) => candidate.name).join(', ') || 'none';
                    throw new ProviderError(cloudflare_PROVIDER, `No zone visible to the token contains ${name} (zones seen: ${seen}). ` +
                        'Grant the token Zone:Zone:Read on the zone, or set dns.zone in the manifest.');
                }
                return found;
            });
            zone.catch(() => this.zoneCache.delete(key));
            this.zoneCache.set(key, zone);
        }
        return zone;
    }
    /** Finds records with exactly this value, for a clean-up in a process that did not present it. */
    async findRecordsByValue(name, value) {
        const zone = await this.findZone(name);
        const query = `type=TXT&name=${encodeURIComponent(name)}&content=${encodeURIComponent(value)}&per_page=${PAGE_SIZE}`;
        const envelope = await callCloudflare(this.config, this.config.dnsToken, 'GET', `/zones/${zone.id}/dns_records?${query}`);
        return envelope.result
            .filter((found) => found.content === value || found.content === `"${value}"`)
            .map((found) => ({ zoneId: zone.id, recordId: found.id }));
    }
}
/** Creates the Cloudflare provider from the manifest settings and the environment. */
function createCloudflareProvider(settings, env, logger) {
    const configuredZone = settings.zone ? names_normalizeName(settings.zone) : undefined;
    return new CloudflareProvider(readCloudflareConfig(env), configuredZone, logger);
}
function recordKey(name, value) {
    return `${name}\n${value}`;
}

;// CONCATENATED MODULE: ./lib/dns/providers/gcloud/credentials.js




const gcloud_credentials_PROVIDER = 'gcloud';
const SCOPE = 'https://www.googleapis.com/auth/ndev.clouddns.readwrite';
const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token';
/**
 * Loads the credential configuration from `GCE_SERVICE_ACCOUNT` (the JSON itself),
 * `GCE_SERVICE_ACCOUNT_FILE` or `GOOGLE_APPLICATION_CREDENTIALS` (paths), in that order.
 */
function loadCredentialConfig(env) {
    const inline = readSetting(gcloud_credentials_PROVIDER, env, 'GCE_SERVICE_ACCOUNT');
    if (inline)
        return { config: parseConfig(inline, 'GCE_SERVICE_ACCOUNT'), source: 'GCE_SERVICE_ACCOUNT' };
    for (const name of ['GCE_SERVICE_ACCOUNT_FILE', 'GOOGLE_APPLICATION_CREDENTIALS']) {
        const path = env[name];
        if (!path)
            continue;
        let text;
        try {
            text = (0,external_node_fs_namespaceObject.readFileSync)(path, 'utf8');
        }
        catch (error) {
            throw new ProviderError(gcloud_credentials_PROVIDER, `Cannot read ${name} (${path}): ${messageOf(error)}`);
        }
        return { config: parseConfig(text, `${name} (${path})`), source: name };
    }
    throw new ProviderError(gcloud_credentials_PROVIDER, 'Missing GOOGLE_APPLICATION_CREDENTIALS: set it to a service account key file or a workload identity ' +
        'configuration (google-github-actions/auth exports it), or set GCE_SERVICE_ACCOUNT_FILE or GCE_SERVICE_ACCOUNT.');
}
function parseConfig(text, origin) {
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch (error) {
        throw new ProviderError(gcloud_credentials_PROVIDER, `${origin} is not valid JSON: ${messageOf(error)}`);
    }
    if (parsed.type !== 'service_account' && parsed.type !== 'external_account') {
        throw new ProviderError(gcloud_credentials_PROVIDER, `${origin} has type '${parsed.type ?? 'missing'}'; expected 'service_account' or 'external_account'. ` +
            'User credentials from gcloud auth application-default login are not supported.');
    }
    return parsed;
}
function base64Url(data) {
    return Buffer.from(data).toString('base64url');
}
/** Builds the RS256-signed JWT assertion of the OAuth 2.0 JWT bearer grant (RFC 7523) for a service account. */
function serviceAccountAssertion(key, nowSeconds) {
    const header = {
        alg: 'RS256',
        typ: 'JWT',
        ...(key.private_key_id ? { kid: key.private_key_id } : {}),
    };
    const claims = {
        iss: key.client_email,
        scope: SCOPE,
        aud: key.token_uri ?? DEFAULT_TOKEN_URI,
        iat: nowSeconds,
        exp: nowSeconds + 3600,
    };
    const unsigned = `${base64Url(JSON.stringify(header))}.${base64Url(JSON.stringify(claims))}`;
    const signature = (0,external_node_crypto_namespaceObject.createSign)('RSA-SHA256').update(unsigned).sign(key.private_key);
    return `${unsigned}.${base64Url(signature)}`;
}
async function serviceAccountToken(key) {
    const assertion = serviceAccountAssertion(key, Math.floor(Date.now() / 1000));
    const { body } = await callJson(gcloud_credentials_PROVIDER, `Token request for ${key.client_email}`, {
        method: 'POST',
        url: key.token_uri ?? DEFAULT_TOKEN_URI,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
            grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
            assertion,
        }).toString(),
    });
    return { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
}
async function readSubjectToken(source) {
    let raw;
    if (source.file) {
        try {
            raw = (0,external_node_fs_namespaceObject.readFileSync)(source.file, 'utf8');
        }
        catch (error) {
            throw new ProviderError(gcloud_credentials_PROVIDER, `Cannot read the subject token file ${source.file}: ${messageOf(error)}`);
        }
    }
    else if (source.url) {
        const { body } = await callJson(gcloud_credentials_PROVIDER, 'Subject token request', {
            method: 'GET',
            url: source.url,
            headers: source.headers,
        });
        raw = typeof body === 'string' ? body : JSON.stringify(body);
    }
    else {
        throw new ProviderError(gcloud_credentials_PROVIDER, 'The external_account credential_source has neither file nor url; only these two are supported.');
    }
    if (source.format?.type !== 'json')
        return raw.trim();
    const field = source.format.subject_token_field_name ?? 'access_token';
    const value = JSON.parse(raw)[field];
    if (typeof value !== 'string')
        throw new ProviderError(gcloud_credentials_PROVIDER, `The subject token has no string field '${field}'.`);
    return value;
}
/**
 * Exchanges the platform's token for a federated access token (Google STS, RFC 8693
 * token exchange), then, when the configuration names a service account to
 * impersonate, for that account's access token.
 */
async function externalAccountToken(config) {
    const subjectToken = await readSubjectToken(config.credential_source);
    const { body: federated } = await callJson(gcloud_credentials_PROVIDER, 'Token exchange', {
        method: 'POST',
        url: config.token_url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
            grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
            audience: config.audience,
            scope: 'https://www.googleapis.com/auth/cloud-platform',
            requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
            subject_token: subjectToken,
            subject_token_type: config.subject_token_type,
        }).toString(),
    });
    if (!config.service_account_impersonation_url) {
        return { token: federated.access_token, expiresAt: Date.now() + federated.expires_in * 1000 };
    }
    const { body } = await callJson(gcloud_credentials_PROVIDER, 'Service account impersonation', {
        method: 'POST',
        url: config.service_account_impersonation_url,
        headers: {
            authorization: `Bearer ${federated.access_token}`,
            'content-type': 'application/json',
        },
        body: JSON.stringify({ scope: [SCOPE], lifetime: '3600s' }),
    });
    return { token: body.accessToken, expiresAt: Date.parse(body.expireTime) };
}
/** Returns a function that yields a valid access token for the configured credentials. */
function googleTokenSource(config) {
    return cacheToken(() => config.type === 'service_account' ? serviceAccountToken(config) : externalAccountToken(config));
}

;// CONCATENATED MODULE: ./lib/dns/providers/gcloud/index.js







const gcloud_PROVIDER = 'gcloud';
const gcloud_DEFAULT_BASE_URL = 'https://dns.googleapis.com/dns/v1';
const CHANGE_TIMEOUT_MS = 180_000;
const CHANGE_POLL_MS = 3_000;
/** Converts the normalized name to the API's form: absolute, with the trailing dot. */
function toGoogleName(name) {
    return absoluteName(names_normalizeName(name));
}
/** Google Cloud DNS provider, which keeps all TXT values of a name in one record set. */
class GcloudProvider {
    project;
    projectUrl;
    accessToken;
    configuredZone;
    logger;
    name = gcloud_PROVIDER;
    propagationTimeoutMs = CHANGE_TIMEOUT_MS;
    zones;
    editor;
    constructor(project, 
    /** `<base URL>/projects/<project>`, the prefix of every call. */
    projectUrl, accessToken, configuredZone, logger) {
        this.project = project;
        this.projectUrl = projectUrl;
        this.accessToken = accessToken;
        this.configuredZone = configuredZone;
        this.logger = logger;
        this.editor = new TxtRecordSetEditor({
            read: (zone, name) => this.readSet(zone, name),
            write: (zone, name, current, values) => this.writeSet(zone, name, current, values),
            // A deletion that is not the exact current set fails with 412, and an addition of
            // a set that already exists fails with 409: both mean another writer won.
            isConflict: (error) => error instanceof JsonApiError && (error.status === 412 || error.status === 409),
        });
    }
    async present(record) {
        const name = normalizeRecordName(gcloud_PROVIDER, record.name);
        const zone = await this.findZone(name);
        const added = await this.editor.add(zone, name, record.value);
        this.logger?.debug(`${gcloud_PROVIDER}: ${added ? 'added' : 'already had'} TXT value at ${name} in managed zone ${zone.name}`);
    }
    async cleanUp(record) {
        const name = normalizeRecordName(gcloud_PROVIDER, record.name);
        const zone = await this.findZone(name);
        const removed = await this.editor.remove(zone, name, record.value);
        this.logger?.debug(`${gcloud_PROVIDER}: ${removed ? 'removed' : 'found no'} TXT value at ${name} in managed zone ${zone.name}`);
    }
    async authoritativeServers(record) {
        const zone = await this.findZone(normalizeRecordName(gcloud_PROVIDER, record.name));
        return (zone.nameServers ?? []).map((server) => `${server.replace(/\.$/, '')}:53`);
    }
    async call(operation, method, url, body) {
        const headers = { authorization: `Bearer ${await this.accessToken()}` };
        if (body !== undefined)
            headers['content-type'] = 'application/json';
        const request = {
            method,
            url,
            headers,
            body: body === undefined ? undefined : JSON.stringify(body),
        };
        return (await callJson(gcloud_PROVIDER, operation, request)).body;
    }
    async listZones() {
        const zones = [];
        let pageToken;
        do {
            const query = pageToken ? `?pageToken=${encodeURIComponent(pageToken)}` : '';
            const page = await this.call('managedZones.list', 'GET', `${this.projectUrl}/managedZones${query}`);
            zones.push(...(page.managedZones ?? []));
            pageToken = page.nextPageToken;
        } while (pageToken);
        return zones;
    }
    async findZone(name) {
        this.zones ??= this.listZones();
        this.zones.catch(() => (this.zones = undefined));
        // The CA cannot query a private zone, so only public zones can hold a challenge.
        const publicZones = (await this.zones).filter((zone) => zone.visibility !== 'private');
        const candidates = this.configuredZone
            ? publicZones.filter((zone) => names_normalizeName(zone.dnsName) === this.configuredZone)
            : publicZones;
        const zone = pickLongestZone(name, candidates, (candidate) => candidate.dnsName);
        if (!zone) {
            const seen = publicZones.map((candidate) => candidate.dnsName).join(', ') || 'none';
            throw new ProviderError(gcloud_PROVIDER, `No public managed zone in project ${this.project} contains ${name} (zones seen: ${seen}). ` +
                'Grant dns.managedZones.list on the project, or set dns.zone in the manifest.');
        }
        return zone;
    }
    async readSet(zone, name) {
        const fqdn = toGoogleName(name);
        const url = `${this.projectUrl}/managedZones/${zone.name}/rrsets?name=${encodeURIComponent(fqdn)}&type=TXT`;
        const page = await this.call('resourceRecordSets.list', 'GET', url);
        const set = (page.rrsets ?? []).find((candidate) => candidate.name === fqdn && candidate.type === 'TXT');
        if (!set)
            return undefined;
        return { values: set.rrdatas.map(unquoteTxtValue), ttl: set.ttl, version: set };
    }
    async writeSet(zone, name, current, values) {
        const ttl = current?.ttl ?? DEFAULT_TXT_TTL;
        const additions = values.length > 0
            ? [{ name: toGoogleName(name), type: 'TXT', ttl, rrdatas: values.map(quoteTxtValue) }]
            : [];
        const deletions = current ? [current.version] : [];
        const url = `${this.projectUrl}/managedZones/${zone.name}/changes`;
        const change = await this.call('changes.create', 'POST', url, {
            additions,
            deletions,
        });
        await this.waitDone(zone, change);
    }
    async waitDone(zone, change) {
        const deadline = Date.now() + CHANGE_TIMEOUT_MS;
        let status = change.status;
        while (status !== 'done') {
            if (Date.now() > deadline) {
                throw new ProviderError(gcloud_PROVIDER, `Change ${change.id} in zone ${zone.name} was not done after ${CHANGE_TIMEOUT_MS / 1000} s.`);
            }
            await new Promise((resolve) => setTimeout(resolve, CHANGE_POLL_MS));
            const url = `${this.projectUrl}/managedZones/${zone.name}/changes/${change.id}`;
            status = (await this.call('changes.get', 'GET', url)).status;
        }
    }
}
/** Creates the Google Cloud DNS provider from the manifest settings and the environment. */
function createGcloudProvider(settings, env, logger) {
    const { config } = loadCredentialConfig(env);
    const project = readSetting(gcloud_PROVIDER, env, 'GCE_PROJECT') ??
        ('project_id' in config ? config.project_id : undefined);
    if (!project) {
        throw new ProviderError(gcloud_PROVIDER, 'Missing GCE_PROJECT (or GCE_PROJECT_FILE): the id of the project that owns the managed zone.');
    }
    const baseUrl = readSetting(gcloud_PROVIDER, env, 'GCE_API_BASE_URL') ?? gcloud_DEFAULT_BASE_URL;
    const projectUrl = joinUrl(baseUrl, `/projects/${encodeURIComponent(project)}`);
    const configuredZone = settings.zone ? names_normalizeName(settings.zone) : undefined;
    return new GcloudProvider(project, projectUrl, googleTokenSource(config), configuredZone, logger);
}

;// CONCATENATED MODULE: ./lib/dns/providers/route53/sigv4.js

function sha256Hex(data) {
    return (0,external_node_crypto_namespaceObject.createHash)('sha256').update(data, 'utf8').digest('hex');
}
function hmac(key, data) {
    return (0,external_node_crypto_namespaceObject.createHmac)('sha256', key).update(data, 'utf8').digest();
}
/** Percent-encodes per RFC 3986: everything except A-Z a-z 0-9 - _ . ~ */
function encodeRfc3986(text) {
    return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
/** Formats a date as `YYYYMMDDTHHMMSSZ`, the form of `X-Amz-Date`. */
function amzDate(date) {
    return date
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
}
function canonicalQuery(url) {
    const pairs = [...url.searchParams].map(([key, value]) => [encodeRfc3986(key), encodeRfc3986(value)]);
    pairs.sort(([keyA, valueA], [keyB, valueB]) => keyA === keyB ? compare(valueA, valueB) : compare(keyA, keyB));
    return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}
function compare(a, b) {
    if (a < b)
        return -1;
    return a > b ? 1 : 0;
}
/** Builds the canonical request of AWS Signature Version 4 and the list of signed header names. */
function canonicalRequest(request) {
    const url = new URL(request.url);
    const headers = new Map();
    for (const [name, value] of Object.entries(request.headers)) {
        headers.set(name.toLowerCase(), value.trim().replace(/\s+/g, ' '));
    }
    const names = [...headers.keys()].sort();
    const canonicalHeaders = names.map((name) => `${name}:${headers.get(name) ?? ''}\n`).join('');
    const signedHeaders = names.join(';');
    const text = [
        request.method.toUpperCase(),
        url.pathname || '/',
        canonicalQuery(url),
        canonicalHeaders,
        signedHeaders,
        sha256Hex(request.body),
    ].join('\n');
    return { text, signedHeaders };
}
/**
 * Signs a request with AWS Signature Version 4 and returns the headers to send: the
 * request's own headers plus `host`, `x-amz-date`, `x-amz-security-token` (for
 * temporary credentials) and `authorization`.
 */
function signV4(request, credentials, scope) {
    const stamp = amzDate(scope.date);
    const day = stamp.slice(0, 8);
    const headers = {
        ...request.headers,
        host: new URL(request.url).host,
        'x-amz-date': stamp,
    };
    if (credentials.sessionToken)
        headers['x-amz-security-token'] = credentials.sessionToken;
    const canonical = canonicalRequest({ ...request, headers });
    const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', stamp, credentialScope, sha256Hex(canonical.text)].join('\n');
    const dayKey = hmac(`AWS4${credentials.secretAccessKey}`, day);
    const signingKey = hmac(hmac(hmac(dayKey, scope.region), scope.service), 'aws4_request');
    const signature = (0,external_node_crypto_namespaceObject.createHmac)('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
    headers.authorization =
        `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope}, ` +
            `SignedHeaders=${canonical.signedHeaders}, Signature=${signature}`;
    return headers;
}

;// CONCATENATED MODULE: ./lib/dns/providers/route53/xml.js
/**
 * The few XML operations the Route 53 and STS responses need. Their documents are
 * flat and use no namespace prefixes, CDATA sections or attributes that matter here, so a
 * full XML parser would add weight without changing a result.
 */
/** Returns the inner text of every `<tag>…</tag>` element in `xml`, in document order. */
function xml_elements(xml, tag) {
    const pattern = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g');
    return [...xml.matchAll(pattern)].map((match) => match[1] ?? '');
}
/** Returns the decoded text of the first `<tag>` element, or undefined when there is none. */
function xml_text(xml, tag) {
    const first = xml_elements(xml, tag)[0];
    return first === undefined ? undefined : decodeEntities(first);
}
function decodeEntities(value) {
    return value
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
        .replace(/&#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)))
        .replace(/&amp;/g, '&');
}
function escapeXml(value) {
    return value
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;');
}

;// CONCATENATED MODULE: ./lib/dns/providers/route53/client.js




const client_PROVIDER = 'route53';
const client_API_VERSION = '2013-04-01';
const XML_NAMESPACE = `https://route53.amazonaws.com/doc/${client_API_VERSION}/`;
const TRANSIENT_ERROR_CODES = ['Throttling', 'PriorRequestNotComplete'];
const TRANSIENT_RETRY_DELAYS_MS = [1_000, 2_000, 4_000];
class Route53ApiError extends ProviderError {
    operation;
    status;
    code;
    constructor(operation, status, code, detail) {
        super(client_PROVIDER, `${operation} failed with HTTP ${status}: ${code}: ${detail}`);
        this.operation = operation;
        this.status = status;
        this.code = code;
    }
}
/** Route 53 REST client (API 2013-04-01) signed with AWS Signature Version 4. */
class Route53Client {
    endpoint;
    signingRegion;
    credentials;
    constructor(endpoint, signingRegion, credentials) {
        this.endpoint = endpoint;
        this.signingRegion = signingRegion;
        this.credentials = credentials;
    }
    /**
     * Sends one signed call. It retries after 1, 2 and 4 seconds when Route 53 rejects the
     * call with `Throttling` (too many calls) or `PriorRequestNotComplete` (an earlier
     * change to the zone is still being applied).
     */
    async call(operation, method, path, body = '') {
        for (let attempt = 0;; attempt += 1) {
            try {
                return await this.callOnce(operation, method, path, body);
            }
            catch (error) {
                const transient = error instanceof Route53ApiError && TRANSIENT_ERROR_CODES.includes(error.code);
                if (!transient || attempt >= TRANSIENT_RETRY_DELAYS_MS.length)
                    throw error;
                await new Promise((resolve) => setTimeout(resolve, TRANSIENT_RETRY_DELAYS_MS[attempt]));
            }
        }
    }
    async callOnce(operation, method, path, body) {
        const url = joinUrl(this.endpoint, `/${client_API_VERSION}${path}`);
        const baseHeaders = body ? { 'content-type': 'application/xml' } : {};
        const headers = signV4({ method, url, headers: baseHeaders, body }, await this.credentials(), {
            region: this.signingRegion,
            service: 'route53',
            date: new Date(),
        });
        const response = await send(client_PROVIDER, { method, url, headers, body: body || undefined });
        if (response.status >= 400) {
            const code = xml_text(response.text, 'Code') ??
                (response.text.includes('<InvalidChangeBatch') ? 'InvalidChangeBatch' : 'Error');
            const messages = xml_elements(response.text, 'Message').join('; ') || response.text.slice(0, 200);
            throw new Route53ApiError(`${operation} (${method} ${withoutQuery(url)})`, response.status, code, messages);
        }
        return response.text;
    }
    /** Lists every hosted zone, following `NextMarker` while `IsTruncated` is true. */
    async listHostedZones() {
        const zones = [];
        let marker;
        do {
            const query = marker ? `?marker=${encodeURIComponent(marker)}` : '';
            const xml = await this.call('ListHostedZones', 'GET', `/hostedzone${query}`);
            for (const zone of xml_elements(xml, 'HostedZone')) {
                zones.push({
                    id: (xml_text(zone, 'Id') ?? '').replace(/^\/hostedzone\//, ''),
                    name: decodeRoute53Name(xml_text(zone, 'Name') ?? ''),
                    privateZone: xml_text(zone, 'PrivateZone') === 'true',
                });
            }
            marker = xml_text(xml, 'IsTruncated') === 'true' ? xml_text(xml, 'NextMarker') : undefined;
        } while (marker);
        return zones;
    }
    /** Reads the TXT record set at `absoluteName`, or undefined when there is none. */
    async readTxtSet(zoneId, absoluteName) {
        const query = `?name=${encodeURIComponent(absoluteName)}&type=TXT&maxitems=1`;
        const xml = await this.call('ListResourceRecordSets', 'GET', `/hostedzone/${zoneId}/rrset${query}`);
        // The listing starts at the requested name and type but may return the next set in order.
        for (const set of xml_elements(xml, 'ResourceRecordSet')) {
            const name = decodeRoute53Name(xml_text(set, 'Name') ?? '');
            if (name.toLowerCase() !== absoluteName.toLowerCase() || xml_text(set, 'Type') !== 'TXT')
                continue;
            return {
                name: xml_text(set, 'Name') ?? absoluteName,
                ttl: Number(xml_text(set, 'TTL') ?? '60'),
                values: xml_elements(set, 'Value').map((value) => xml_text(`<v>${value}</v>`, 'v') ?? ''),
            };
        }
        return undefined;
    }
    /** Sends one change batch, which Route 53 applies atomically or not at all; returns the change id. */
    async changeRecordSets(zoneId, changes) {
        const body = `<?xml version="1.0" encoding="UTF-8"?>` +
            `<ChangeResourceRecordSetsRequest xmlns="${XML_NAMESPACE}"><ChangeBatch>` +
            `<Comment>acme-lineage DNS-01 challenge</Comment><Changes>` +
            changes
                .map(({ action, set }) => `<Change><Action>${action}</Action>${recordSetXml(set)}</Change>`)
                .join('') +
            `</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`;
        const xml = await this.call('ChangeResourceRecordSets', 'POST', `/hostedzone/${zoneId}/rrset/`, body);
        return (xml_text(xml, 'Id') ?? '').replace(/^\/change\//, '');
    }
    /** Returns the status of a change: `PENDING` or `INSYNC`. */
    async getChangeStatus(changeId) {
        const xml = await this.call('GetChange', 'GET', `/change/${changeId}`);
        return xml_text(xml, 'Status') ?? 'PENDING';
    }
}
function recordSetXml(set) {
    const records = set.values
        .map((value) => `<ResourceRecord><Value>${escapeXml(value)}</Value></ResourceRecord>`)
        .join('');
    return (`<ResourceRecordSet><Name>${escapeXml(set.name)}</Name><Type>TXT</Type><TTL>${set.ttl}</TTL>` +
        `<ResourceRecords>${records}</ResourceRecords></ResourceRecordSet>`);
}
/** Decodes the `\ooo` octal escapes Route 53 uses in names (for example `\052` for `*`). */
function decodeRoute53Name(name) {
    return name.replace(/\\(\d{3})/g, (_, octal) => String.fromCharCode(parseInt(octal, 8)));
}

;// CONCATENATED MODULE: ./lib/dns/providers/route53/credentials.js




const route53_credentials_PROVIDER = 'route53';
/** Credentials from STS are renewed when they expire within this many milliseconds. */
const credentials_RENEW_MARGIN_MS = 5 * 60_000;
/**
 * Picks the credential source from the environment, in this order: static keys
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN`, which
 * is what aws-actions/configure-aws-credentials exports), then web identity
 * federation (`AWS_ROLE_ARN` with `AWS_WEB_IDENTITY_TOKEN_FILE`).
 */
function resolveCredentialSource(env) {
    const accessKeyId = readSetting(route53_credentials_PROVIDER, env, 'AWS_ACCESS_KEY_ID');
    const secretAccessKey = readSetting(route53_credentials_PROVIDER, env, 'AWS_SECRET_ACCESS_KEY');
    if (accessKeyId && !secretAccessKey) {
        throw new ProviderError(route53_credentials_PROVIDER, 'Missing AWS_SECRET_ACCESS_KEY (or AWS_SECRET_ACCESS_KEY_FILE): AWS_ACCESS_KEY_ID is set without its secret.');
    }
    if (secretAccessKey && !accessKeyId) {
        throw new ProviderError(route53_credentials_PROVIDER, 'Missing AWS_ACCESS_KEY_ID (or AWS_ACCESS_KEY_ID_FILE): AWS_SECRET_ACCESS_KEY is set without its key id.');
    }
    if (accessKeyId && secretAccessKey) {
        const credentials = {
            accessKeyId,
            secretAccessKey,
            sessionToken: readSetting(route53_credentials_PROVIDER, env, 'AWS_SESSION_TOKEN'),
        };
        return () => Promise.resolve(credentials);
    }
    const roleArn = readSetting(route53_credentials_PROVIDER, env, 'AWS_ROLE_ARN');
    const tokenFile = env.AWS_WEB_IDENTITY_TOKEN_FILE;
    if (roleArn && tokenFile)
        return webIdentitySource(env, roleArn, tokenFile);
    throw new ProviderError(route53_credentials_PROVIDER, 'Missing AWS_ACCESS_KEY_ID (or AWS_ACCESS_KEY_ID_FILE): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ' +
        '(aws-actions/configure-aws-credentials exports them), or AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE.');
}
function stsEndpoint(env) {
    const override = readSetting(route53_credentials_PROVIDER, env, 'AWS_ENDPOINT_URL_STS') ??
        readSetting(route53_credentials_PROVIDER, env, 'AWS_ENDPOINT_URL');
    if (override)
        return override;
    const region = readSetting(route53_credentials_PROVIDER, env, 'AWS_REGION') ?? readSetting(route53_credentials_PROVIDER, env, 'AWS_DEFAULT_REGION');
    return region
        ? `https://sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/`
        : 'https://sts.amazonaws.com/';
}
/**
 * Exchanges the web identity token (re-read on every renewal, because the platform
 * rotates the file) for temporary credentials with STS AssumeRoleWithWebIdentity,
 * an unsigned call.
 */
function webIdentitySource(env, roleArn, tokenFile) {
    const endpoint = stsEndpoint(env);
    const sessionName = readSetting(route53_credentials_PROVIDER, env, 'AWS_ROLE_SESSION_NAME') ?? `acme-lineage-${Date.now()}`;
    let cached;
    return async () => {
        if (cached && cached.expiresAt - credentials_RENEW_MARGIN_MS > Date.now())
            return cached.credentials;
        let token;
        try {
            token = (0,external_node_fs_namespaceObject.readFileSync)(tokenFile, 'utf8').trim();
        }
        catch (error) {
            throw new ProviderError(route53_credentials_PROVIDER, `Cannot read AWS_WEB_IDENTITY_TOKEN_FILE (${tokenFile}): ${messageOf(error)}`);
        }
        const body = new URLSearchParams({
            Action: 'AssumeRoleWithWebIdentity',
            Version: '2011-06-15',
            RoleArn: roleArn,
            RoleSessionName: sessionName,
            WebIdentityToken: token,
        }).toString();
        const response = await send(route53_credentials_PROVIDER, {
            method: 'POST',
            url: endpoint,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body,
        });
        if (response.status !== 200) {
            const detail = `${xml_text(response.text, 'Code') ?? `HTTP ${response.status}`}: ${xml_text(response.text, 'Message') ?? ''}`;
            throw new ProviderError(route53_credentials_PROVIDER, `STS AssumeRoleWithWebIdentity for ${roleArn} failed: ${detail}. Check the role's trust policy for this identity provider and audience.`);
        }
        const credentials = {
            accessKeyId: xml_text(response.text, 'AccessKeyId') ?? '',
            secretAccessKey: xml_text(response.text, 'SecretAccessKey') ?? '',
            sessionToken: xml_text(response.text, 'SessionToken'),
        };
        const expiration = Date.parse(xml_text(response.text, 'Expiration') ?? '');
        cached = {
            credentials,
            expiresAt: Number.isNaN(expiration) ? Date.now() + 15 * 60_000 : expiration,
        };
        return credentials;
    };
}

;// CONCATENATED MODULE: ./lib/dns/providers/route53/index.js






const route53_PROVIDER = 'route53';
/** Route 53 reports INSYNC within 60 seconds in normal operation; this is the wait limit. */
const INSYNC_TIMEOUT_MS = 180_000;
const INSYNC_POLL_MS = 3_000;
/** Route 53 endpoint and signing region for the partition of `AWS_REGION` (the API is global per partition). */
function partitionEndpoint(region) {
    if (region?.startsWith('cn-'))
        return { endpoint: 'https://route53.amazonaws.com.cn', signingRegion: 'cn-northwest-1' };
    if (region?.startsWith('us-gov-'))
        return { endpoint: 'https://route53.us-gov.amazonaws.com', signingRegion: 'us-gov-west-1' };
    return { endpoint: 'https://route53.amazonaws.com', signingRegion: 'us-east-1' };
}
/** Converts the normalized name to the API's form: absolute, with the trailing dot. */
function toRoute53Name(name) {
    return absoluteName(names_normalizeName(name));
}
/** Route 53 provider, which keeps all TXT values of a name in one record set. */
class Route53Provider {
    client;
    fixedZoneId;
    configuredZone;
    logger;
    name = route53_PROVIDER;
    propagationTimeoutMs = INSYNC_TIMEOUT_MS;
    zones;
    editor;
    constructor(client, fixedZoneId, configuredZone, logger) {
        this.client = client;
        this.fixedZoneId = fixedZoneId;
        this.configuredZone = configuredZone;
        this.logger = logger;
        this.editor = new TxtRecordSetEditor({
            read: (zoneId, name) => this.readSet(zoneId, name),
            write: (zoneId, name, current, values) => this.writeSet(zoneId, name, current, values),
            isConflict: (error) => error instanceof Route53ApiError && error.code === 'InvalidChangeBatch',
        });
    }
    async present(record) {
        const name = normalizeRecordName(route53_PROVIDER, record.name);
        const zoneId = await this.findZoneId(name);
        const added = await this.editor.add(zoneId, name, record.value);
        this.logger?.debug(`${route53_PROVIDER}: ${added ? 'added' : 'already had'} TXT value at ${name} in hosted zone ${zoneId}`);
    }
    async cleanUp(record) {
        const name = normalizeRecordName(route53_PROVIDER, record.name);
        const zoneId = await this.findZoneId(name);
        const removed = await this.editor.remove(zoneId, name, record.value);
        this.logger?.debug(`${route53_PROVIDER}: ${removed ? 'removed' : 'found no'} TXT value at ${name} in hosted zone ${zoneId}`);
    }
    async findZoneId(name) {
        if (this.fixedZoneId)
            return this.fixedZoneId;
        this.zones ??= this.client.listHostedZones();
        this.zones.catch(() => (this.zones = undefined));
        const publicZones = (await this.zones).filter((zone) => !zone.privateZone);
        const candidates = this.configuredZone
            ? publicZones.filter((zone) => names_normalizeName(zone.name) === this.configuredZone)
            : publicZones;
        const zone = pickLongestZone(name, candidates, (candidate) => candidate.name);
        if (!zone) {
            const seen = publicZones.map((candidate) => candidate.name).join(', ') || 'none';
            throw new ProviderError(route53_PROVIDER, `No public hosted zone visible to these credentials contains ${name} (zones seen: ${seen}). ` +
                'Allow route53:ListHostedZones, or set AWS_HOSTED_ZONE_ID.');
        }
        return zone.id;
    }
    async readSet(zoneId, name) {
        const set = await this.client.readTxtSet(zoneId, toRoute53Name(name));
        if (!set)
            return undefined;
        return { values: set.values.map(unquoteTxtValue), ttl: set.ttl, version: set };
    }
    async writeSet(zoneId, name, current, values) {
        // DELETE of the exact old set plus CREATE of the new one fails as a whole when
        // another writer changed the set in between, which is Route 53's concurrency guard.
        const changes = [];
        if (current)
            changes.push({ action: 'DELETE', set: current.version });
        if (values.length > 0) {
            const ttl = current?.ttl ?? DEFAULT_TXT_TTL;
            changes.push({
                action: 'CREATE',
                set: { name: toRoute53Name(name), ttl, values: values.map(quoteTxtValue) },
            });
        }
        await this.waitInSync(await this.client.changeRecordSets(zoneId, changes));
    }
    async waitInSync(changeId) {
        const deadline = Date.now() + INSYNC_TIMEOUT_MS;
        while ((await this.client.getChangeStatus(changeId)) !== 'INSYNC') {
            if (Date.now() > deadline) {
                throw new ProviderError(route53_PROVIDER, `Change ${changeId} was not INSYNC after ${INSYNC_TIMEOUT_MS / 1000} s. Retry the run later.`);
            }
            await new Promise((resolve) => setTimeout(resolve, INSYNC_POLL_MS));
        }
    }
}
/** Creates the Route 53 provider from the manifest settings and the environment. */
function createRoute53Provider(settings, env, logger) {
    const credentials = resolveCredentialSource(env);
    const region = readSetting(route53_PROVIDER, env, 'AWS_REGION') ?? readSetting(route53_PROVIDER, env, 'AWS_DEFAULT_REGION');
    const partition = partitionEndpoint(region);
    const endpoint = readSetting(route53_PROVIDER, env, 'AWS_ENDPOINT_URL_ROUTE_53') ??
        readSetting(route53_PROVIDER, env, 'AWS_ENDPOINT_URL') ??
        partition.endpoint;
    const client = new Route53Client(endpoint, partition.signingRegion, credentials);
    const fixedZoneId = readSetting(route53_PROVIDER, env, 'AWS_HOSTED_ZONE_ID')?.replace(/^\/hostedzone\//, '');
    const configuredZone = settings.zone ? names_normalizeName(settings.zone) : undefined;
    return new Route53Provider(client, fixedZoneId, configuredZone, logger);
}

;// CONCATENATED MODULE: ./lib/dns/providers/tencentcloud/signature.js

function signature_sha256Hex(data) {
    return (0,external_node_crypto_namespaceObject.createHash)('sha256').update(data, 'utf8').digest('hex');
}
function signature_hmac(key, data) {
    return (0,external_node_crypto_namespaceObject.createHmac)('sha256', key).update(data, 'utf8').digest();
}
/**
 * Computes the `Authorization` header of TencentCloud API 3.0 (TC3-HMAC-SHA256) for
 * a POST to `/` that signs the `content-type` and `host` headers.
 */
function signTc3(request, secretId, secretKey) {
    const date = new Date(request.timestamp * 1000).toISOString().slice(0, 10);
    const signedHeaders = 'content-type;host';
    const canonicalRequest = [
        'POST',
        '/',
        '',
        `content-type:${request.contentType.toLowerCase()}\nhost:${request.host}\n`,
        signedHeaders,
        signature_sha256Hex(request.payload),
    ].join('\n');
    const credentialScope = `${date}/${request.service}/tc3_request`;
    const stringToSign = [
        'TC3-HMAC-SHA256',
        String(request.timestamp),
        credentialScope,
        signature_sha256Hex(canonicalRequest),
    ].join('\n');
    const signingKey = signature_hmac(signature_hmac(signature_hmac(`TC3${secretKey}`, date), request.service), 'tc3_request');
    const signature = (0,external_node_crypto_namespaceObject.createHmac)('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
    return `TC3-HMAC-SHA256 Credential=${secretId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

;// CONCATENATED MODULE: ./lib/dns/providers/tencentcloud/client.js



const tencentcloud_client_PROVIDER = 'tencentcloud';
const tencentcloud_client_API_VERSION = '2021-03-23';
const SERVICE = 'dnspod';
const CONTENT_TYPE = 'application/json; charset=utf-8';
class TencentApiError extends ProviderError {
    action;
    code;
    constructor(action, code, detail) {
        super(tencentcloud_client_PROVIDER, `${action} failed: ${code}: ${detail}`);
        this.action = action;
        this.code = code;
    }
}
/** DNSPod API 2021-03-23 client: JSON POSTs signed with TC3-HMAC-SHA256. */
class TencentClient {
    endpoint;
    credentials;
    region;
    constructor(endpoint, credentials, region) {
        this.endpoint = endpoint;
        this.credentials = credentials;
        this.region = region;
    }
    async call(action, parameters) {
        const url = new URL(this.endpoint);
        const payload = JSON.stringify(parameters);
        const timestamp = Math.floor(Date.now() / 1000);
        const authorization = signTc3({ host: url.host, service: SERVICE, payload, contentType: CONTENT_TYPE, timestamp }, this.credentials.secretId, this.credentials.secretKey);
        const headers = {
            authorization,
            'content-type': CONTENT_TYPE,
            'x-tc-action': action,
            'x-tc-version': tencentcloud_client_API_VERSION,
            'x-tc-timestamp': String(timestamp),
        };
        if (this.region)
            headers['x-tc-region'] = this.region;
        if (this.credentials.sessionToken)
            headers['x-tc-token'] = this.credentials.sessionToken;
        const request = { method: 'POST', url: url.toString(), headers, body: payload };
        const response = await send(tencentcloud_client_PROVIDER, request);
        const envelope = parseJson(tencentcloud_client_PROVIDER, request, response);
        const error = envelope.Response?.Error;
        if (error)
            throw new TencentApiError(action, error.Code, error.Message);
        if (response.status >= 400 || !envelope.Response) {
            throw new TencentApiError(action, `HTTP ${response.status}`, response.text.slice(0, 200));
        }
        return envelope.Response;
    }
}

;// CONCATENATED MODULE: ./lib/dns/providers/tencentcloud/index.js



const tencentcloud_PROVIDER = 'tencentcloud';
const tencentcloud_PAGE_SIZE = 100;
/** Record line that every DNSPod plan has; the API requires one. */
const DEFAULT_RECORD_LINE = '默认';
/** Error code of CreateRecord when an identical record already exists. */
const RECORD_EXISTS = 'InvalidParameter.DomainRecordExist';
/** Smallest TTL the free DNSPod plan accepts, in seconds. */
const tencentcloud_TXT_TTL = 600;
/** Converts a normalized name and its zone to the API's form: `Domain` plus the relative `SubDomain`. */
function toDnspodName(name, zone) {
    return { Domain: zone, SubDomain: relativeName(name, zone) };
}
function createTencentClient(env) {
    const secretId = requireSetting(tencentcloud_PROVIDER, env, ['TENCENTCLOUD_SECRET_ID'], 'the SecretId of a CAM user allowed to change DNSPod records');
    const secretKey = requireSetting(tencentcloud_PROVIDER, env, ['TENCENTCLOUD_SECRET_KEY'], 'the SecretKey that belongs to TENCENTCLOUD_SECRET_ID');
    const endpoint = readSetting(tencentcloud_PROVIDER, env, 'TENCENTCLOUD_API_BASE_URL') ??
        'https://dnspod.tencentcloudapi.com/';
    return new TencentClient(endpoint, { secretId, secretKey, sessionToken: readSetting(tencentcloud_PROVIDER, env, 'TENCENTCLOUD_SESSION_TOKEN') }, readSetting(tencentcloud_PROVIDER, env, 'TENCENTCLOUD_REGION'));
}
/** Tencent Cloud DNSPod provider: one record per TXT value, so values on one name never conflict. */
class TencentProvider {
    client;
    configuredZone;
    logger;
    name = tencentcloud_PROVIDER;
    // NOTE: an estimate. Neither Alibaba nor Tencent documents how long its authoritative servers take.
    propagationTimeoutMs = 600_000;
    /** Record ids that `present` created, keyed by name and value. */
    added = new Map();
    domains;
    constructor(client, configuredZone, logger) {
        this.client = client;
        this.configuredZone = configuredZone;
        this.logger = logger;
    }
    async present(record) {
        const name = normalizeRecordName(tencentcloud_PROVIDER, record.name);
        const zone = await this.findZone(name);
        try {
            const response = await this.client.call('CreateRecord', {
                ...toDnspodName(name, zone),
                RecordType: 'TXT',
                RecordLine: DEFAULT_RECORD_LINE,
                Value: record.value,
                TTL: tencentcloud_TXT_TTL,
            });
            this.added.set(`${name}\n${record.value}`, { zone, recordId: response.RecordId });
            this.logger?.debug(`${tencentcloud_PROVIDER}: added TXT ${name} in domain ${zone} (record ${response.RecordId})`);
        }
        catch (error) {
            if (!(error instanceof TencentApiError) || error.code !== RECORD_EXISTS)
                throw error;
            this.logger?.debug(`${tencentcloud_PROVIDER}: TXT ${name} already has this value, so clean-up will find it by value`);
        }
    }
    async cleanUp(record) {
        const name = normalizeRecordName(tencentcloud_PROVIDER, record.name);
        const key = `${name}\n${record.value}`;
        const known = this.added.get(key);
        const zone = known?.zone ?? (await this.findZone(name));
        const ids = known ? [known.recordId] : await this.findRecordIds(name, zone, record.value);
        for (const id of ids) {
            await this.client.call('DeleteRecord', { Domain: zone, RecordId: id });
            this.logger?.debug(`${tencentcloud_PROVIDER}: deleted TXT ${name} (record ${id})`);
        }
        this.added.delete(key);
    }
    async listDomains() {
        const names = [];
        // The offset advances by what the server returned, which may be fewer than Limit.
        for (let offset = 0;;) {
            const response = await this.client.call('DescribeDomainList', {
                Offset: offset,
                Limit: tencentcloud_PAGE_SIZE,
            });
            names.push(...response.DomainList.map((domain) => names_normalizeName(domain.Name)));
            offset += response.DomainList.length;
            if (offset >= response.DomainCountInfo.AllTotal || response.DomainList.length === 0) {
                return names;
            }
        }
    }
    async findZone(name) {
        if (this.configuredZone)
            return this.configuredZone;
        this.domains ??= this.listDomains();
        this.domains.catch(() => (this.domains = undefined));
        const domains = await this.domains;
        const zone = pickLongestZone(name, domains, (domain) => domain);
        if (!zone) {
            throw new ProviderError(tencentcloud_PROVIDER, `No domain visible to TENCENTCLOUD_SECRET_ID contains ${name} (domains seen: ${domains.join(', ') || 'none'}). ` +
                'Add the domain to DNSPod, allow dnspod:DescribeDomainList, or set dns.zone in the manifest.');
        }
        return zone;
    }
    /** Finds records with exactly this value, for a clean-up in a process that did not present it. */
    async findRecordIds(name, zone, value) {
        const target = toDnspodName(name, zone);
        const ids = [];
        for (let offset = 0;; offset += tencentcloud_PAGE_SIZE) {
            let response;
            try {
                response = await this.client.call('DescribeRecordList', {
                    Domain: target.Domain,
                    Subdomain: target.SubDomain,
                    RecordType: 'TXT',
                    Offset: offset,
                    Limit: tencentcloud_PAGE_SIZE,
                });
            }
            catch (error) {
                // DNSPod reports an empty result as this error rather than an empty list.
                if (error instanceof TencentApiError && error.code === 'ResourceNotFound.NoDataOfRecord') {
                    return ids;
                }
                throw error;
            }
            const matching = response.RecordList.filter((r) => r.Type === 'TXT' && r.Value === value);
            ids.push(...matching.map((r) => r.RecordId));
            const total = response.RecordCountInfo.TotalCount;
            if (offset + tencentcloud_PAGE_SIZE >= total || response.RecordList.length === 0)
                return ids;
        }
    }
}
/** Creates the Tencent Cloud DNSPod provider from the manifest settings and the environment. */
function createTencentProvider(settings, env, logger) {
    const configuredZone = settings.zone ? names_normalizeName(settings.zone) : undefined;
    return new TencentProvider(createTencentClient(env), configuredZone, logger);
}

;// CONCATENATED MODULE: ./lib/dns/providers/index.js






/** Factories of the cloud DNS providers, keyed by the provider id the manifest uses. */
const CLOUD_DNS_PROVIDERS = {
    cloudflare: createCloudflareProvider,
    route53: createRoute53Provider,
    alidns: createAlidnsProvider,
    tencentcloud: createTencentProvider,
    gcloud: createGcloudProvider,
    azure: createAzureProvider,
};


;// CONCATENATED MODULE: external "node:dgram"
const external_node_dgram_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dgram");
;// CONCATENATED MODULE: external "node:dns/promises"
const external_node_dns_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns/promises");
// EXTERNAL MODULE: ./node_modules/dns-packet/index.js
var dns_packet = __nccwpck_require__(4894);
;// CONCATENATED MODULE: ./lib/dns/client.js





/** Raised when a DNS exchange fails: timeout, connection error or a malformed response. */
class DnsClientError extends Error {
    constructor(message) {
        super(message);
        this.name = 'DnsClientError';
    }
}
const DEFAULT_DNS_TIMEOUT_MS = 3000;
const DEFAULT_UDP_ATTEMPTS = 2;
const TRUNCATED_FLAG = 0x0200;
/** Parses `host`, `host:port`, `[v6]:port` or a bare IPv6 address; the port defaults to 53. */
function parseServerAddress(address) {
    const text = address.trim();
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
    if (bracketed)
        return { host: bracketed[1] ?? '', port: parsePort(bracketed[2], address) };
    if ((0,external_node_net_namespaceObject.isIP)(text) === 6)
        return { host: text, port: 53 };
    const colon = text.lastIndexOf(':');
    const host = colon === -1 ? text : text.slice(0, colon);
    const port = colon === -1 ? undefined : text.slice(colon + 1);
    if (host === '') {
        throw new DnsClientError(`Invalid DNS server address '${address}'. Expected host or host:port, for example 127.0.0.1:53.`);
    }
    return { host, port: parsePort(port, address) };
}
function parsePort(port, address) {
    if (port === undefined)
        return 53;
    const value = Number(port);
    if (!/^\d+$/.test(port) || value < 1 || value > 65535) {
        throw new DnsClientError(`Invalid port in DNS server address '${address}'. Expected a number from 1 to 65535.`);
    }
    return value;
}
/** Formats an address back to `host:port`, bracketing IPv6 hosts. */
function formatServerAddress(server) {
    const host = (0,external_node_net_namespaceObject.isIP)(server.host) === 6 ? `[${server.host}]` : server.host;
    return `${host}:${server.port}`;
}
/** Returns a random message ID, so that a forged response has to guess it (RFC 5452). */
function newMessageId() {
    return (0,external_node_crypto_namespaceObject.randomInt)(0, 0x10000);
}
/**
 * Sends one DNS message and returns the raw response whose ID matches. Over UDP a
 * truncated response (TC set) is retried over TCP, as RFC 7766 section 5 requires.
 */
async function exchange(server, message, options = {}) {
    const address = parseServerAddress(server);
    const timeoutMs = options.timeoutMs ?? DEFAULT_DNS_TIMEOUT_MS;
    if (options.transport === 'tcp')
        return exchangeTcp(address, message, timeoutMs);
    const attempts = options.udpAttempts ?? DEFAULT_UDP_ATTEMPTS;
    let lastError;
    for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
            const response = await exchangeUdp(address, message, timeoutMs);
            if ((response.readUInt16BE(2) & TRUNCATED_FLAG) !== 0)
                return exchangeTcp(address, message, timeoutMs);
            return response;
        }
        catch (error) {
            lastError = error;
        }
    }
    throw lastError;
}
async function resolveHost(host) {
    const family = (0,external_node_net_namespaceObject.isIP)(host);
    if (family === 4 || family === 6)
        return { ip: host, family };
    try {
        const found = await (0,external_node_dns_promises_namespaceObject.lookup)(host);
        return { ip: found.address, family: found.family === 6 ? 6 : 4 };
    }
    catch (error) {
        throw new DnsClientError(`Cannot resolve DNS server host '${host}': ${client_describe(error)}`);
    }
}
async function exchangeUdp(server, message, timeoutMs) {
    const { ip, family } = await resolveHost(server.host);
    const expectedId = message.readUInt16BE(0);
    const socket = (0,external_node_dgram_namespaceObject.createSocket)(family === 6 ? 'udp6' : 'udp4');
    return new Promise((resolve, reject) => {
        let done = false;
        const finish = (error, response) => {
            if (done)
                return;
            done = true;
            clearTimeout(timer);
            socket.close();
            if (error)
                reject(error);
            else
                resolve(response);
        };
        const timer = setTimeout(() => finish(new DnsClientError(`No response from DNS server ${formatServerAddress(server)} over UDP within ${timeoutMs} ms.`)), timeoutMs);
        // Datagrams from another address or with another ID are dropped, because they are not the response.
        socket.on('message', (response, remote) => {
            if (remote.address !== ip ||
                remote.port !== server.port ||
                response.length < 12 ||
                response.readUInt16BE(0) !== expectedId)
                return;
            finish(undefined, response);
        });
        socket.on('error', (error) => finish(new DnsClientError(`UDP exchange with DNS server ${formatServerAddress(server)} failed: ${error.message}`)));
        socket.send(message, server.port, ip);
    });
}
async function exchangeTcp(server, message, timeoutMs) {
    const { ip } = await resolveHost(server.host);
    const framed = Buffer.concat([Buffer.alloc(2), message]);
    framed.writeUInt16BE(message.length, 0);
    return new Promise((resolve, reject) => {
        let received = Buffer.alloc(0);
        const socket = (0,external_node_net_namespaceObject.connect)({ host: ip, port: server.port });
        let done = false;
        const finish = (error, response) => {
            if (done)
                return;
            done = true;
            clearTimeout(timer);
            socket.destroy();
            if (error)
                reject(error);
            else
                resolve(response);
        };
        const timer = setTimeout(() => finish(new DnsClientError(`No response from DNS server ${formatServerAddress(server)} over TCP within ${timeoutMs} ms.`)), timeoutMs);
        socket.on('connect', () => socket.write(framed));
        socket.on('data', (chunk) => {
            received = Buffer.concat([received, chunk]);
            if (received.length < 2)
                return;
            const length = received.readUInt16BE(0);
            if (received.length >= length + 2)
                finish(undefined, received.subarray(2, length + 2));
        });
        socket.on('error', (error) => finish(new DnsClientError(`TCP exchange with DNS server ${formatServerAddress(server)} failed: ${error.message}`)));
        socket.on('close', () => finish(new DnsClientError(`DNS server ${formatServerAddress(server)} closed the TCP connection before a full response.`)));
    });
}
/** Sends a query for `name`/`type` (class IN) and returns the decoded response. */
async function query(server, name, type, options = {}) {
    const id = newMessageId();
    const message = dns_packet.encode({
        type: 'query',
        id,
        flags: options.recursionDesired ? dns_packet.RECURSION_DESIRED : 0,
        questions: [{ type, name, class: 'IN' }],
    });
    const raw = await exchange(server, message, options);
    let packet;
    try {
        packet = dns_packet.decode(raw);
    }
    catch (error) {
        throw new DnsClientError(`Malformed response from DNS server ${server} to ${type} ${name}: ${client_describe(error)}`);
    }
    const question = packet.questions?.[0];
    if (question && (question.name.toLowerCase() !== name.toLowerCase() || question.type !== type)) {
        throw new DnsClientError(`DNS server ${server} responded to ${question.type} ${question.name} instead of ${type} ${name}.`);
    }
    return { packet, rcode: rcodeName(raw.readUInt16BE(2) & 0x0f) };
}
const RCODE_NAMES = [
    'NOERROR',
    'FORMERR',
    'SERVFAIL',
    'NXDOMAIN',
    'NOTIMP',
    'REFUSED',
    'YXDOMAIN',
    'YXRRSET',
    'NXRRSET',
    'NOTAUTH',
    'NOTZONE',
];
/** Returns the mnemonic of an RCODE (RFC 1035 section 4.1.1, RFC 2136 section 2.2). */
function rcodeName(code) {
    return RCODE_NAMES[code] ?? `RCODE${code}`;
}
function client_describe(error) {
    return error instanceof Error ? error.message : String(error);
}

;// CONCATENATED MODULE: ./lib/dns/lookup.js



/** Raised when a lookup completes but its answer cannot be used (no zone, CNAME loop). */
class DnsLookupError extends Error {
    constructor(message) {
        super(message);
        this.name = 'DnsLookupError';
    }
}
const MAX_CNAME_HOPS = 8;
function sameName(recordName, name) {
    return recordName.toLowerCase().replace(/\.$/, '') === name;
}
function findRecord(records, type, name) {
    return records?.find((record) => record.type === type &&
        record.type !== 'OPT' &&
        (name === undefined || sameName(record.name, name)));
}
function dataRecords(records, type, name) {
    return (records ?? []).filter((record) => record.type === type && record.type !== 'OPT' && sameName(record.name, name));
}
/**
 * Finds the zone that contains `name` by asking `server` for SOA records, walking up
 * one label at a time. An SOA in the answer names the zone itself. On NXDOMAIN or
 * NODATA the SOA in the authority section names the enclosing zone (RFC 2308
 * section 3). A referral (NS records without SOA) names a zone delegated elsewhere.
 */
async function findZone(name, server, options = {}) {
    const start = names_normalizeDnsName(name);
    for (let candidate = start; candidate !== undefined; candidate = parentName(candidate)) {
        const { packet, rcode } = await query(server, candidate, 'SOA', options);
        if (rcode !== 'NOERROR' && rcode !== 'NXDOMAIN')
            continue;
        if (findRecord(packet.answers, 'SOA', candidate))
            return candidate;
        const authoritySoa = findRecord(packet.authorities, 'SOA');
        // A server that serves the root zone returns the root SOA for every name outside
        // its other zones. Challenge records never belong in the root zone, so the walk ends.
        if (authoritySoa && authoritySoa.name === '.')
            break;
        if (authoritySoa) {
            const zone = names_normalizeDnsName(authoritySoa.name);
            if (isInZone(start, zone))
                return zone;
        }
        const referral = findRecord(packet.authorities, 'NS');
        if (referral && !authoritySoa) {
            const zone = names_normalizeDnsName(referral.name);
            if (isInZone(start, zone))
                return zone;
        }
    }
    throw new DnsLookupError(`No zone found for ${start} at DNS server ${server}: no name from ${start} up to the top level has an SOA record there. ` +
        'Check that the server is authoritative for the zone, or set the zone in the manifest.');
}
/** Joins the character-strings of one TXT record, which dns-packet decodes as separate buffers. */
function txtRecordValue(data) {
    const parts = Array.isArray(data) ? data : [data];
    return parts
        .map((part) => (Buffer.isBuffer(part) ? part.toString('utf8') : String(part)))
        .join('');
}
/** Returns the TXT values at exactly `name` (CNAMEs are not followed). */
async function lookupTxt(name, server, options = {}) {
    const { packet, rcode } = await query(server, name, 'TXT', options);
    if (rcode !== 'NOERROR' && rcode !== 'NXDOMAIN') {
        throw new DnsLookupError(`DNS server ${server} responded ${rcode} to the TXT query for ${name}.`);
    }
    return dataRecords(packet.answers, 'TXT', name).map((record) => txtRecordValue(record.data));
}
/**
 * Follows CNAME records from `name` and returns the final owner name, which is
 * `name` itself when it has no CNAME. The chain is bounded to stop loops.
 */
async function followCnames(name, server, options = {}) {
    const chain = [names_normalizeDnsName(name)];
    for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
        const current = chain[chain.length - 1];
        const { packet } = await query(server, current, 'CNAME', options);
        const cname = findRecord(packet.answers, 'CNAME', current);
        if (!cname)
            return chain;
        const target = names_normalizeDnsName(String(cname.data));
        if (chain.includes(target)) {
            throw new DnsLookupError(`CNAME loop at DNS server ${server}: ${[...chain, target].join(' -> ')}. Fix the CNAME records.`);
        }
        chain.push(target);
    }
    throw new DnsLookupError(`CNAME chain from ${chain[0]} is longer than ${MAX_CNAME_HOPS} hops at DNS server ${server}: ${chain.join(' -> ')}. Shorten it.`);
}
/**
 * Returns `ip:53` for each nameserver in the zone's NS set, using glue from the
 * additional section or A/AAAA queries to `server`.
 */
async function zoneNameserverAddresses(zone, server, options = {}) {
    const { packet } = await query(server, zone, 'NS', options);
    const hosts = dataRecords(packet.answers, 'NS', zone).map((record) => names_normalizeDnsName(String(record.data)));
    if (hosts.length === 0) {
        throw new DnsLookupError(`Zone ${zone} has no NS records at DNS server ${server}. Set nameservers in the manifest.`);
    }
    const addresses = [];
    for (const host of hosts) {
        const glue = [
            ...dataRecords(packet.additionals, 'A', host),
            ...dataRecords(packet.additionals, 'AAAA', host),
        ];
        const found = glue.length > 0
            ? glue.map((record) => String(record.data))
            : await resolveAddresses(host, server, options);
        for (const ip of found)
            addresses.push(formatServerAddress({ host: ip, port: 53 }));
    }
    if (addresses.length === 0) {
        throw new DnsLookupError(`No address found for the nameservers of zone ${zone} (${hosts.join(', ')}). Set nameservers in the manifest.`);
    }
    return [...new Set(addresses)];
}
async function resolveAddresses(host, server, options) {
    const addresses = [];
    for (const type of ['A', 'AAAA']) {
        const { packet } = await query(server, host, type, options);
        for (const record of dataRecords(packet.answers, type, host)) {
            if ((0,external_node_net_namespaceObject.isIP)(String(record.data)))
                addresses.push(String(record.data));
        }
    }
    return addresses;
}

;// CONCATENATED MODULE: ./lib/dns/rfc2136/wire.js
// Wire-format helpers for the parts of RFC 2136 UPDATE and RFC 8945 TSIG that
// dns-packet 5.6 cannot produce: it encodes no class NONE (254), which deleting one
// record requires, and it has no TSIG record support at all.
/** Raised when a DNS message cannot be parsed, with the reason and the byte offset. */
class DnsWireError extends Error {
    constructor(message) {
        super(message);
        this.name = 'DnsWireError';
    }
}
const HEADER_LENGTH = 12;
const TYPE_SOA = 6;
const TYPE_TXT = 16;
const TYPE_TSIG = 250;
const CLASS_IN = 1;
const CLASS_NONE = 254;
const CLASS_ANY = 255;
/**
 * Encodes a name in uncompressed, lower-case wire form, which is also the canonical
 * form that TSIG digests use (RFC 8945 section 4.3.3). `''` and `'.'` are the root.
 */
function encodeName(name) {
    const trimmed = name.replace(/\.$/, '').toLowerCase();
    const labels = trimmed === '' ? [] : trimmed.split('.');
    const parts = [];
    for (const label of labels) {
        const bytes = Buffer.from(label, 'ascii');
        if (bytes.length === 0 || bytes.length > 63) {
            throw new DnsWireError(`Cannot encode DNS name '${name}': label '${label}' must be 1 to 63 bytes long.`);
        }
        parts.push(Buffer.from([bytes.length]), bytes);
    }
    parts.push(Buffer.from([0]));
    return Buffer.concat(parts);
}
function uint16(value) {
    const buffer = Buffer.alloc(2);
    buffer.writeUInt16BE(value, 0);
    return buffer;
}
function uint32(value) {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32BE(value, 0);
    return buffer;
}
/** Encodes seconds since the epoch as the 48-bit unsigned integer TSIG uses. */
function uint48(value) {
    const buffer = Buffer.alloc(6);
    buffer.writeUIntBE(value, 0, 6);
    return buffer;
}
/** Encodes one resource record; `rdata` is already in wire form. */
function encodeRecord(name, type, klass, ttl, rdata) {
    return Buffer.concat([
        encodeName(name),
        uint16(type),
        uint16(klass),
        uint32(ttl),
        uint16(rdata.length),
        rdata,
    ]);
}
/**
 * Encodes TXT RDATA for one value. Values longer than 255 bytes are split into
 * several character-strings (RFC 1035 section 3.3.14), which readers concatenate.
 */
function encodeTxtRdata(value) {
    const bytes = Buffer.from(value, 'utf8');
    const parts = [];
    for (let offset = 0; offset === 0 || offset < bytes.length; offset += 255) {
        const chunk = bytes.subarray(offset, offset + 255);
        parts.push(Buffer.from([chunk.length]), chunk);
    }
    return Buffer.concat(parts);
}
/** Reads a possibly compressed name; returns it without the trailing dot and the offset after it. */
function readName(message, start) {
    const labels = [];
    let offset = start;
    let next;
    for (let jumps = 0; jumps < 128; jumps++) {
        if (offset >= message.length)
            throw new DnsWireError(`Name at byte ${start} runs past the end of the message.`);
        const length = message[offset];
        if (length === 0)
            return { name: labels.join('.'), next: next ?? offset + 1 };
        if ((length & 0xc0) === 0xc0) {
            if (offset + 1 >= message.length)
                throw new DnsWireError(`Compression pointer at byte ${offset} is cut off.`);
            next ??= offset + 2;
            offset = message.readUInt16BE(offset) & 0x3fff;
            continue;
        }
        if ((length & 0xc0) !== 0)
            throw new DnsWireError(`Unknown label type at byte ${offset}.`);
        if (offset + 1 + length > message.length)
            throw new DnsWireError(`Label at byte ${offset} runs past the end of the message.`);
        labels.push(message.toString('ascii', offset + 1, offset + 1 + length));
        offset += 1 + length;
    }
    throw new DnsWireError(`Name at byte ${start} has too many compression pointers.`);
}
/** Returns the location of every record after the question section, in message order. */
function locateRecords(message) {
    if (message.length < HEADER_LENGTH)
        throw new DnsWireError(`Message of ${message.length} bytes is shorter than a DNS header.`);
    const questions = message.readUInt16BE(4);
    const recordCount = message.readUInt16BE(6) + message.readUInt16BE(8) + message.readUInt16BE(10);
    let offset = HEADER_LENGTH;
    for (let index = 0; index < questions; index++) {
        offset = readName(message, offset).next + 4;
    }
    const records = [];
    for (let index = 0; index < recordCount; index++) {
        const start = offset;
        const { name, next } = readName(message, offset);
        if (next + 10 > message.length)
            throw new DnsWireError(`Record at byte ${start} is cut off.`);
        const rdataLength = message.readUInt16BE(next + 8);
        const end = next + 10 + rdataLength;
        if (end > message.length)
            throw new DnsWireError(`RDATA of the record at byte ${start} runs past the end of the message.`);
        records.push({
            start,
            name,
            type: message.readUInt16BE(next),
            klass: message.readUInt16BE(next + 2),
            ttl: message.readUInt32BE(next + 4),
            rdataStart: next + 10,
            end,
        });
        offset = end;
    }
    return records;
}

;// CONCATENATED MODULE: ./lib/dns/rfc2136/tsig.js


/** TSIG algorithms this client signs with, by their RFC 8945 section 6 names. */
const TSIG_ALGORITHMS = {
    'hmac-sha1': 'sha1',
    'hmac-sha224': 'sha224',
    'hmac-sha256': 'sha256',
    'hmac-sha384': 'sha384',
    'hmac-sha512': 'sha512',
};
/** Allowed clock difference in seconds; 300 is the value RFC 8945 section 10 recommends. */
const TSIG_FUDGE_SECONDS = 300;
/** TSIG error codes (RFC 8945 section 3, RFC 2845) that the caller turns into advice. */
const TSIG_ERRORS = {
    16: 'BADSIG',
    17: 'BADKEY',
    18: 'BADTIME',
    22: 'BADTRUNC',
};
/** Returns the algorithm for a name such as `hmac-sha256`, `HMAC-SHA256.` or undefined when unsupported. */
function parseTsigAlgorithm(text) {
    const name = text.trim().toLowerCase().replace(/\.$/, '');
    return Object.hasOwn(TSIG_ALGORITHMS, name) ? name : undefined;
}
/**
 * Encodes the TSIG variables that follow the message in the digest (RFC 8945
 * section 4.3.3): key name, class ANY, TTL 0, algorithm name, time signed, fudge,
 * error, other length and other data. Names are in canonical (lower case) form.
 */
function encodeTsigVariables(record) {
    return Buffer.concat([
        encodeName(record.keyName),
        uint16(CLASS_ANY),
        uint32(0),
        encodeName(record.algorithm),
        uint48(record.timeSigned),
        uint16(record.fudge),
        uint16(record.error),
        uint16(record.otherData.length),
        record.otherData,
    ]);
}
/**
 * Computes the MAC over `message` (without its TSIG record) and the TSIG variables.
 * A response's digest starts with the request's MAC and its length (RFC 8945 section 4.3.1).
 */
function computeTsigMac(key, message, record, requestMac) {
    const hmac = (0,external_node_crypto_namespaceObject.createHmac)(TSIG_ALGORITHMS[key.algorithm], key.secret);
    if (requestMac)
        hmac.update(Buffer.concat([uint16(requestMac.length), requestMac]));
    hmac.update(message);
    hmac.update(encodeTsigVariables(record));
    return hmac.digest();
}
function encodeTsigRdata(record) {
    return Buffer.concat([
        encodeName(record.algorithm),
        uint48(record.timeSigned),
        uint16(record.fudge),
        uint16(record.mac.length),
        record.mac,
        uint16(record.originalId),
        uint16(record.error),
        uint16(record.otherData.length),
        record.otherData,
    ]);
}
/** Appends a TSIG record to `message` and increments ARCOUNT; returns the signed message and its MAC. */
function signMessage(message, key, nowSeconds = Math.floor(Date.now() / 1000)) {
    const fields = {
        keyName: key.name,
        algorithm: key.algorithm,
        timeSigned: nowSeconds,
        fudge: TSIG_FUDGE_SECONDS,
        error: 0,
        otherData: Buffer.alloc(0),
    };
    const mac = computeTsigMac(key, message, fields);
    const record = { ...fields, mac, originalId: message.readUInt16BE(0) };
    const signed = Buffer.concat([
        message,
        encodeRecord(key.name, TYPE_TSIG, CLASS_ANY, 0, encodeTsigRdata(record)),
    ]);
    signed.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
    return { signed, mac };
}
/**
 * Splits the TSIG record off a message. Returns the record and the message as it was
 * before signing: TSIG removed, ARCOUNT decremented, ID set to the original ID
 * (RFC 8945 section 4.3.2). Returns undefined when the last record is not a TSIG.
 */
function extractTsig(message) {
    const records = locateRecords(message);
    const last = records[records.length - 1];
    if (!last || last.type !== TYPE_TSIG || message.readUInt16BE(10) === 0)
        return undefined;
    const algorithm = readName(message, last.rdataStart);
    let offset = algorithm.next;
    const need = (bytes) => {
        if (offset + bytes > last.end)
            throw new DnsWireError(`TSIG record at byte ${last.start} is cut off.`);
    };
    need(10);
    const timeSigned = message.readUIntBE(offset, 6);
    const fudge = message.readUInt16BE(offset + 6);
    const macLength = message.readUInt16BE(offset + 8);
    offset += 10;
    need(macLength + 6);
    const mac = Buffer.from(message.subarray(offset, offset + macLength));
    offset += macLength;
    const originalId = message.readUInt16BE(offset);
    const error = message.readUInt16BE(offset + 2);
    const otherLength = message.readUInt16BE(offset + 4);
    offset += 6;
    need(otherLength);
    const otherData = Buffer.from(message.subarray(offset, offset + otherLength));
    const unsigned = Buffer.from(message.subarray(0, last.start));
    unsigned.writeUInt16BE(originalId, 0);
    unsigned.writeUInt16BE(message.readUInt16BE(10) - 1, 10);
    const record = {
        keyName: last.name.toLowerCase(),
        algorithm: algorithm.name.toLowerCase(),
        timeSigned,
        fudge,
        mac,
        originalId,
        error,
        otherData,
    };
    return { record, unsigned };
}
/**
 * Checks the TSIG of a response to a request signed with `key` (RFC 8945 section 5.3).
 * A TSIG error from the server (BADKEY, BADSIG) comes back unsigned, so it is
 * reported as `server-error` with the record and not verified.
 */
function verifyResponse(response, key, requestMac, nowSeconds = Math.floor(Date.now() / 1000)) {
    const extracted = extractTsig(response);
    if (!extracted)
        return { ok: false, reason: 'unsigned' };
    const { record, unsigned } = extracted;
    if (record.keyName !== key.name || record.algorithm !== key.algorithm)
        return { ok: false, reason: 'wrong-key', record };
    if (record.error !== 0 && record.mac.length === 0)
        return { ok: false, reason: 'server-error', record };
    const expected = computeTsigMac(key, unsigned, record, requestMac);
    if (expected.length !== record.mac.length || !(0,external_node_crypto_namespaceObject.timingSafeEqual)(expected, record.mac))
        return { ok: false, reason: 'bad-mac', record };
    if (record.error !== 0)
        return { ok: false, reason: 'server-error', record };
    if (Math.abs(nowSeconds - record.timeSigned) > record.fudge)
        return { ok: false, reason: 'bad-time', record };
    return { ok: true, record };
}

;// CONCATENATED MODULE: ./lib/dns/rfc2136/config.js




/** Raised for every RFC 2136 provider failure; the message starts with `rfc2136:`. */
class Rfc2136Error extends Error {
    constructor(message) {
        super(`rfc2136: ${message}`);
        this.name = 'Rfc2136Error';
    }
}
/** Environment prefixes, in order: this project's own, then lego's `DNSUPDATE_` names. */
const RFC2136_ENV_PREFIXES = ['RFC2136_', 'DNSUPDATE_'];
/** Manifest options the provider reads; secrets are accepted only from the environment. */
const RFC2136_OPTIONS = ['nameserver', 'tsig-key-name', 'tsig-algorithm', 'ttl'];
const DEFAULT_TTL_SECONDS = 60;
function readPrefixedEnv(env, suffix) {
    for (const prefix of RFC2136_ENV_PREFIXES) {
        let value;
        try {
            value = readEnv(env, `${prefix}${suffix}`);
        }
        catch (error) {
            if (error instanceof EnvironmentError)
                throw new Rfc2136Error(error.message);
            throw error;
        }
        if (value !== undefined)
            return value;
    }
    return undefined;
}
function missing(suffix, purpose) {
    return new Rfc2136Error(`missing RFC2136_${suffix} (or RFC2136_${suffix}_FILE, or DNSUPDATE_${suffix}): ${purpose}. Set it in the environment of the step.`);
}
function readSeconds(env, suffix, option) {
    const text = option ?? readPrefixedEnv(env, suffix);
    if (text === undefined)
        return undefined;
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value <= 0) {
        throw new Rfc2136Error(`invalid ${suffix.toLowerCase()} '${text}': expected a whole number of seconds greater than 0.`);
    }
    return value;
}
function readSecret(env) {
    const text = readPrefixedEnv(env, 'TSIG_SECRET');
    if (text === undefined)
        throw missing('TSIG_SECRET', 'the base64 secret of the TSIG key that signs updates');
    const compact = text.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) {
        throw new Rfc2136Error('RFC2136_TSIG_SECRET is not valid base64. Copy the secret line of the key that tsig-keygen printed, without quotes.');
    }
    return Buffer.from(compact, 'base64');
}
function readKey(settings, env) {
    const keyName = settings.options['tsig-key-name'] ?? readPrefixedEnv(env, 'TSIG_KEY');
    if (keyName === undefined)
        throw missing('TSIG_KEY', 'the name of the TSIG key that signs updates, for example acme-update');
    const algorithmText = settings.options['tsig-algorithm'] ?? readPrefixedEnv(env, 'TSIG_ALGORITHM') ?? 'hmac-sha256';
    const algorithm = parseTsigAlgorithm(algorithmText);
    if (!algorithm) {
        throw new Rfc2136Error(`unsupported TSIG algorithm '${algorithmText}'. Use one of ${Object.keys(TSIG_ALGORITHMS).join(', ')}.`);
    }
    try {
        return { name: names_normalizeDnsName(keyName), algorithm, secret: readSecret(env) };
    }
    catch (error) {
        if (error instanceof InvalidDnsNameError)
            throw new Rfc2136Error(`invalid TSIG key name: ${error.message}`);
        throw error;
    }
}
function readNameserver(settings, env) {
    const nameserver = settings.options.nameserver ?? readPrefixedEnv(env, 'NAMESERVER');
    if (nameserver === undefined) {
        throw missing('NAMESERVER', "the address (host:port) of the zone's primary server that accepts updates");
    }
    try {
        parseServerAddress(nameserver);
    }
    catch (error) {
        if (error instanceof DnsClientError)
            throw new Rfc2136Error(error.message);
        throw error;
    }
    return nameserver;
}
/**
 * Reads the provider's settings: non-secret values from the manifest options first,
 * then the environment (`RFC2136_*`, each also as `*_FILE`, then `DNSUPDATE_*`).
 * Throws Rfc2136Error naming the missing or invalid setting.
 */
function readRfc2136Config(settings, env) {
    const unknown = Object.keys(settings.options).filter((key) => !RFC2136_OPTIONS.includes(key));
    if (unknown.length > 0) {
        throw new Rfc2136Error(`unknown option ${unknown.map((key) => `'${key}'`).join(', ')} in the manifest. Known options: ${RFC2136_OPTIONS.join(', ')}. ` +
            'Secrets such as the TSIG secret belong in the environment (RFC2136_TSIG_SECRET).');
    }
    const propagationSeconds = readSeconds(env, 'PROPAGATION_TIMEOUT');
    return {
        nameserver: readNameserver(settings, env),
        key: readKey(settings, env),
        zone: settings.zone === undefined ? undefined : names_normalizeDnsName(settings.zone),
        ttl: readSeconds(env, 'TTL', settings.options.ttl) ?? DEFAULT_TTL_SECONDS,
        dnsTimeoutMs: (readSeconds(env, 'DNS_TIMEOUT') ?? DEFAULT_DNS_TIMEOUT_MS / 1000) * 1000,
        propagationTimeoutMs: propagationSeconds === undefined ? undefined : propagationSeconds * 1000,
    };
}

;// CONCATENATED MODULE: ./lib/dns/rfc2136/message.js

/** Opcode 5 in bits 11 to 14 of the header flags (RFC 2136 section 1.3). */
const OPCODE_UPDATE_FLAGS = 5 << 11;
/**
 * Encodes an UPDATE message for `zone` with no prerequisites. Adding uses class IN
 * and the record's TTL (RFC 2136 section 2.5.1). Deleting one value uses class NONE,
 * TTL 0 and the exact RDATA (section 2.5.4), so other values on the name stay.
 */
function encodeTxtUpdate(id, zone, changes) {
    const header = Buffer.alloc(HEADER_LENGTH);
    header.writeUInt16BE(id, 0);
    header.writeUInt16BE(OPCODE_UPDATE_FLAGS, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(0, 6);
    header.writeUInt16BE(changes.length, 8);
    header.writeUInt16BE(0, 10);
    const zoneSection = Buffer.concat([encodeName(zone), uint16(TYPE_SOA), uint16(CLASS_IN)]);
    const updateSection = changes.map((change) => change.action === 'add'
        ? encodeRecord(change.name, TYPE_TXT, CLASS_IN, change.ttl, encodeTxtRdata(change.value))
        : encodeRecord(change.name, TYPE_TXT, CLASS_NONE, 0, encodeTxtRdata(change.value)));
    return Buffer.concat([header, zoneSection, ...updateSection]);
}

;// CONCATENATED MODULE: ./lib/dns/rfc2136/index.js







/**
 * Creates the provider that writes challenge records with RFC 2136 dynamic updates
 * signed by TSIG (RFC 8945). Tested against BIND 9.18.
 * Throws Rfc2136Error at once when a setting is missing or invalid.
 */
function createRfc2136Provider(settings, env) {
    const config = readRfc2136Config(settings, env);
    const zones = new Map();
    const zoneFor = (name) => {
        const cached = zones.get(name);
        if (cached)
            return cached;
        const found = resolveZone(config, name);
        zones.set(name, found);
        found.catch(() => zones.delete(name));
        return found;
    };
    const update = async (change) => {
        const zone = await zoneFor(change.name);
        await sendUpdate(config, zone, change);
    };
    return {
        name: 'rfc2136',
        propagationTimeoutMs: config.propagationTimeoutMs,
        present: async (record) => update({
            action: 'add',
            name: names_normalizeDnsName(record.name),
            value: record.value,
            ttl: config.ttl,
        }),
        cleanUp: async (record) => update({ action: 'delete', name: names_normalizeDnsName(record.name), value: record.value }),
        // The primary that accepted the update. Secondaries catch up later by NOTIFY and
        // zone transfer. A manifest that lists them in `nameservers` has them checked instead.
        authoritativeServers: async () => [config.nameserver],
    };
}
/**
 * Returns the manifest's zone when it contains `name`, else the zone found by SOA
 * lookup. A CNAME-delegated challenge name usually lies in another zone than the
 * one the manifest gives for the certificate's own names.
 */
async function resolveZone(config, name) {
    if (config.zone !== undefined && isInZone(name, config.zone))
        return config.zone;
    try {
        return await findZone(name, config.nameserver, { timeoutMs: config.dnsTimeoutMs });
    }
    catch (error) {
        throw new Rfc2136Error(`cannot find the zone of ${name} at ${config.nameserver}: ${client_describe(error)}`);
    }
}
async function sendUpdate(config, zone, change) {
    const operation = `${change.action === 'add' ? 'adding' : 'deleting'} TXT ${change.name} in zone ${zone} at ${config.nameserver} with key ${config.key.name} (${config.key.algorithm})`;
    const message = encodeTxtUpdate(newMessageId(), zone, [change]);
    const { signed, mac } = signMessage(message, config.key);
    let response;
    try {
        response = await exchange(config.nameserver, signed, { timeoutMs: config.dnsTimeoutMs });
    }
    catch (error) {
        throw new Rfc2136Error(`${operation} failed: ${client_describe(error)} Check that the server runs and that RFC2136_NAMESERVER is its address.`);
    }
    const rcode = response.readUInt16BE(2) & 0x0f;
    let verification;
    try {
        verification = verifyResponse(response, config.key, mac);
    }
    catch (error) {
        throw new Rfc2136Error(`${operation} failed: the response is malformed: ${client_describe(error)}`);
    }
    if (!verification.ok)
        throw new Rfc2136Error(`${operation} failed: ${explainTsigFailure(verification, rcode, config)}`);
    if (rcode !== 0)
        throw new Rfc2136Error(`${operation} failed: ${explainRcode(rcode, change.name, zone, config)}`);
}
function explainTsigFailure(verification, rcode, config) {
    const keyName = config.key.name;
    const tsigError = verification.record
        ? (TSIG_ERRORS[verification.record.error] ?? `TSIG error ${verification.record.error}`)
        : undefined;
    switch (verification.reason) {
        case 'server-error':
            if (tsigError === 'BADKEY') {
                return `the server does not know key ${keyName} with algorithm ${config.key.algorithm} (BADKEY). Make RFC2136_TSIG_KEY and RFC2136_TSIG_ALGORITHM match a key in the server's configuration.`;
            }
            if (tsigError === 'BADSIG') {
                return `the server rejected the signature (BADSIG): RFC2136_TSIG_SECRET is not the secret of key ${keyName} on the server. Copy the secret from the server's key file.`;
            }
            if (tsigError === 'BADTIME') {
                return `the server's clock and this machine's differ by more than ${verification.record?.fudge ?? 300} s (BADTIME). Synchronize the clocks, for example with NTP.`;
            }
            return `the server responded ${rcodeName(rcode)} with ${tsigError}.`;
        case 'unsigned':
            return rcode === 0
                ? `the response is not signed, so it cannot be trusted. Check that the server has key ${keyName}.`
                : `the server responded ${rcodeName(rcode)} without a TSIG signature. ${explainRcode(rcode, '', '', config)}`;
        case 'wrong-key':
            return `the response is signed with key ${verification.record?.keyName} (${verification.record?.algorithm}), not with ${keyName} (${config.key.algorithm}).`;
        case 'bad-mac':
            return `the response's TSIG signature does not verify with key ${keyName}. Check that RFC2136_TSIG_SECRET matches the server's key, and that nothing between this machine and the server alters DNS messages.`;
        case 'bad-time':
            return `the response was signed at ${verification.record?.timeSigned}, more than ${verification.record?.fudge} s from this machine's clock. Synchronize the clocks.`;
    }
}
function explainRcode(rcode, name, zone, config) {
    switch (rcodeName(rcode)) {
        case 'REFUSED':
            return `the server refused the update (REFUSED). Allow key ${config.key.name} to update zone ${zone || 'the zone'}, for example with allow-update { key "${config.key.name}"; }; or an update-policy grant in BIND.`;
        case 'NOTAUTH':
            return `the server is not authoritative for zone ${zone || 'the zone'} (NOTAUTH). Point RFC2136_NAMESERVER at the zone's primary server, or set the zone in the manifest.`;
        case 'NOTZONE':
            return `${name || 'the name'} is not inside zone ${zone || 'the zone'} (NOTZONE). Fix the zone in the manifest.`;
        case 'SERVFAIL':
            return 'the server failed to apply the update (SERVFAIL). Check its log, for example for a read-only zone file or journal.';
        case 'NOTIMP':
            return 'the server does not implement dynamic updates (NOTIMP). Use a server that accepts RFC 2136 updates, or another DNS provider.';
        case 'FORMERR':
            return 'the server could not parse the update (FORMERR).';
        default:
            return `the server responded ${rcodeName(rcode)}.`;
    }
}

;// CONCATENATED MODULE: ./lib/dns/registry.js


/** Provider ids the manifest accepts; each has a factory in the table below. */
const KNOWN_DNS_PROVIDERS = [
    'rfc2136',
    'cloudflare',
    'route53',
    'alidns',
    'tencentcloud',
    'gcloud',
    'azure',
];
// A new provider is one entry here, pointing at its file or folder under src/dns/providers/.
const FACTORIES = {
    rfc2136: createRfc2136Provider,
    ...CLOUD_DNS_PROVIDERS,
};
/** Raised when the manifest names a provider that does not exist or is not built yet. */
class UnknownDnsProviderError extends Error {
    constructor(message) {
        super(message);
        this.name = 'UnknownDnsProviderError';
    }
}
/**
 * Creates the DNS provider that `settings.provider` names, reading its configuration
 * from the manifest options and `env`. Throws UnknownDnsProviderError for an unknown
 * id, and the provider's own error for missing settings.
 */
function createDnsProvider(settings, env, logger) {
    const id = settings.provider.trim().toLowerCase();
    const factory = Object.hasOwn(FACTORIES, id) ? FACTORIES[id] : undefined;
    if (factory)
        return factory(settings, env, logger);
    const implemented = Object.keys(FACTORIES).join(', ');
    if (KNOWN_DNS_PROVIDERS.includes(id)) {
        throw new UnknownDnsProviderError(`DNS provider '${settings.provider}' is not implemented in this version. Implemented providers: ${implemented}.`);
    }
    throw new UnknownDnsProviderError(`Unknown DNS provider '${settings.provider}'. Known providers: ${KNOWN_DNS_PROVIDERS.join(', ')} (implemented: ${implemented}).`);
}

;// CONCATENATED MODULE: ./lib/manifest/dns-providers.js

/**
 * DNS provider ids that `dns.provider` may name, taken from the DNS provider registry
 * and widened to plain strings so that user input can be checked against them.
 */
const dns_providers_KNOWN_DNS_PROVIDERS = KNOWN_DNS_PROVIDERS;

;// CONCATENATED MODULE: ./lib/manifest/dns.js





const ALIAS_DNS_KEY = 'challenge-alias-dns';
/** Keys of a `dns` map that the manifest itself reads. Every other key is a provider option. */
const DNS_KEYS = ['provider', 'zone', 'nameservers', 'challenge-alias', ALIAS_DNS_KEY];
/** Keys of a `challenge-alias-dns` map that the manifest itself reads. */
const ALIAS_DNS_KEYS = ['provider', 'zone', 'nameservers'];
/** `dns` keys that mean nothing inside `challenge-alias-dns`, which describes the target only. */
const OUTER_ONLY_KEYS = ['challenge-alias', ALIAS_DNS_KEY];
// Provider options that are not misspellings although they are close to a DNS key:
// rfc2136 sends its updates to `nameserver`, a different server from the `nameservers` checked for propagation.
const OPTIONS_NEAR_DNS_KEYS = ['nameserver'];
// Option names that hold an identifier rather than the credential itself.
const IDENTIFIER_SUFFIXES = ['-name', '-id'];
const SECRET_WORDS = ['secret', 'token', 'password', 'passphrase'];
// The variable each DNS provider reads its main secret from, each also accepted as NAME_FILE.
// NOTE: copied from the providers in src/dns, so a renamed variable there must change here too.
const CREDENTIAL_VARIABLES = {
    rfc2136: 'RFC2136_TSIG_SECRET',
    cloudflare: 'CLOUDFLARE_DNS_API_TOKEN',
    route53: 'AWS_SECRET_ACCESS_KEY',
    alidns: 'ALICLOUD_SECRET_KEY',
    tencentcloud: 'TENCENTCLOUD_SECRET_KEY',
    gcloud: 'GCE_SERVICE_ACCOUNT',
    azure: 'AZURE_CLIENT_SECRET',
};
const KEBAB_CASE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/**
 * Reads one level's `dns` map, or with `nested` its `challenge-alias-dns` map.
 * `inherited` is the same map from defaults: its provider names the environment
 * variable when a credential appears in the manifest.
 */
function readDnsLayer(reader, node, path, inherited, nested = false) {
    const layer = { options: {}, invalid: false, node, path };
    layer.origin = layer;
    const expected = nested ? 'the DNS settings of the delegation target' : 'the DNS settings';
    const entries = reader.readMap(node, path, expected);
    if (entries === undefined) {
        layer.invalid = true;
        return layer;
    }
    const providerEntry = entries.find((entry) => entry.key === 'provider');
    const namedProvider = providerEntry && (0,dist/* isScalar */.jn)(providerEntry.value) ? providerEntry.value.value : undefined;
    const provider = typeof namedProvider === 'string' && dns_providers_KNOWN_DNS_PROVIDERS.includes(namedProvider)
        ? namedProvider
        : inherited?.provider;
    const block = { nested, provider, inherited };
    for (const entry of entries) {
        readDnsEntry(reader, entry, layer, block);
    }
    return layer;
}
/**
 * Merges a certificate's `dns` over the defaults key by key. Provider options are
 * inherited only when the certificate keeps the default provider, because an option
 * means something to one provider only.
 */
function mergeDnsLayers(defaults, certificate) {
    const switchesProvider = certificate?.provider !== undefined && certificate.provider !== defaults?.provider;
    const inheritedOptions = switchesProvider ? {} : defaults?.options;
    const merged = {
        options: { ...inheritedOptions, ...certificate?.options },
        invalid: Boolean(defaults?.invalid || certificate?.invalid),
    };
    const provider = certificate?.provider ?? defaults?.provider;
    if (provider !== undefined)
        merged.provider = provider;
    merged.zone = certificate?.zone !== undefined ? certificate.zone : defaults?.zone;
    merged.nameservers =
        certificate?.nameservers !== undefined ? certificate.nameservers : defaults?.nameservers;
    merged.challengeAlias =
        certificate?.challengeAlias !== undefined
            ? certificate.challengeAlias
            : defaults?.challengeAlias;
    merged.aliasDns = mergeAliasDns(defaults?.aliasDns, certificate?.aliasDns);
    const origin = certificate?.origin ?? defaults?.origin;
    if (origin?.node !== undefined) {
        merged.node = origin.node;
        merged.path = origin.path;
        merged.origin = origin;
    }
    return merged;
}
/** Merges `challenge-alias-dns` the way `dns` merges, where null in the certificate unsets the default. */
function mergeAliasDns(defaults, certificate) {
    if (certificate === null)
        return null;
    if (certificate === undefined && !defaults)
        return defaults;
    return mergeDnsLayers(defaults ?? undefined, certificate);
}
// Blocks in defaults already reported as lacking a provider, so each is reported once, not once per certificate.
const reportedWithoutProvider = new WeakSet();
/**
 * Reports a merged `challenge-alias-dns` without a provider, at the block that the
 * certificate gets it from. Returns false when the block is unusable.
 */
function checkAliasDns(reader, layer) {
    const alias = layer.aliasDns;
    if (!alias)
        return true;
    if (alias.invalid)
        return false;
    if (alias.provider !== undefined)
        return true;
    const origin = alias.origin ?? alias;
    if (reportedWithoutProvider.has(origin))
        return false;
    reportedWithoutProvider.add(origin);
    const fromDefaults = origin.path?.startsWith('defaults.') ?? false;
    const where = fromDefaults ? reader.forCertificate(undefined) : reader;
    where.report(origin.node, origin.path, `missing \`provider\` in ${ALIAS_DNS_KEY}: name the DNS provider of the zone that \`_acme-challenge\` is delegated to, one of ${dns_providers_KNOWN_DNS_PROVIDERS.join(', ')}.`);
    return false;
}
/** Converts a merged layer into settings, given the provider the caller checked is set. */
function toDnsSettings(layer, provider) {
    const options = {};
    for (const [key, value] of Object.entries(layer.options)) {
        if (value !== null)
            options[key] = value;
    }
    const settings = { provider, options };
    if (layer.zone)
        settings.zone = layer.zone;
    if (layer.nameservers)
        settings.nameservers = layer.nameservers;
    if (layer.challengeAlias)
        settings.challengeAlias = layer.challengeAlias;
    if (layer.aliasDns?.provider)
        settings.aliasDns = toDnsSettings(layer.aliasDns, layer.aliasDns.provider);
    return settings;
}
function readDnsEntry(reader, entry, layer, block) {
    if (block.nested && OUTER_ONLY_KEYS.includes(entry.key)) {
        reader.report(entry.keyNode, entry.path, `\`${entry.key}\` cannot be set inside ${ALIAS_DNS_KEY}, which describes only the DNS of the delegation target: move it up into \`dns\`.`);
        return;
    }
    switch (entry.key) {
        case 'provider':
            readProvider(reader, entry, layer);
            return;
        case 'zone':
            layer.zone = dns_readName(reader, entry, 'the zone to write challenge records in, such as `example.com`');
            return;
        case 'challenge-alias':
            layer.challengeAlias = dns_readName(reader, entry, 'the name `_acme-challenge` is delegated to by CNAME');
            return;
        case 'nameservers':
            layer.nameservers = readNameservers(reader, entry);
            return;
        case ALIAS_DNS_KEY:
            layer.aliasDns = readAliasDns(reader, entry, block);
            return;
        default:
            readProviderOption(reader, entry, layer, block);
    }
}
function readAliasDns(reader, entry, block) {
    if (isNull(entry.value))
        return null;
    const inherited = block.inherited?.aliasDns ?? undefined;
    return readDnsLayer(reader, entry.value, entry.path, inherited, true);
}
function readProvider(reader, entry, layer) {
    const hint = `name one of ${dns_providers_KNOWN_DNS_PROVIDERS.join(', ')}`;
    const provider = reader.readString(entry.value, entry.path, hint);
    if (provider === undefined) {
        layer.invalid = true;
        return;
    }
    if (!dns_providers_KNOWN_DNS_PROVIDERS.includes(provider)) {
        const suggestion = didYouMean(provider, dns_providers_KNOWN_DNS_PROVIDERS);
        reader.report(entry.value, entry.path, `unknown DNS provider \`${provider}\`.${suggestion} Known providers: ${dns_providers_KNOWN_DNS_PROVIDERS.join(', ')}.`);
        layer.invalid = true;
        return;
    }
    layer.provider = provider;
}
/** Reads a zone or alias name. Returns null for an explicit null, and undefined after recording a problem. */
function dns_readName(reader, entry, hint) {
    if (isNull(entry.value))
        return null;
    const text = reader.readString(entry.value, entry.path, `give ${hint}`);
    if (text === undefined)
        return undefined;
    const normalized = normalizeDnsName(text);
    if ('error' in normalized) {
        reader.report(entry.value, entry.path, `invalid DNS name \`${text}\`: ${normalized.error}.`);
        return undefined;
    }
    return normalized.value;
}
function readNameservers(reader, entry) {
    if (isNull(entry.value))
        return null;
    const items = reader.readList(entry.value, entry.path, 'a list of nameservers such as ["ns1.example.com:53"]');
    if (items === undefined)
        return undefined;
    if (items.length === 0) {
        reader.report(entry.value, entry.path, "the nameserver list is empty: list at least one, or remove `nameservers` to use the zone's NS records.");
        return undefined;
    }
    const nameservers = [];
    items.forEach((item, index) => {
        const path = `${entry.path}[${index}]`;
        const text = reader.readString(item, path, 'give a `host` or `host:port`');
        if (text === undefined)
            return;
        const normalized = normalizeNameserver(text);
        if ('error' in normalized) {
            reader.report(item, path, `invalid nameserver \`${text}\`: ${normalized.error}. Write \`host\` or \`host:port\`.`);
            return;
        }
        nameservers.push(normalized.value);
    });
    return nameservers.length === items.length ? nameservers : undefined;
}
function readProviderOption(reader, entry, layer, block) {
    const keys = block.nested ? ALIAS_DNS_KEYS : DNS_KEYS;
    const misspelled = OPTIONS_NEAR_DNS_KEYS.includes(entry.key)
        ? undefined
        : closestMatch(entry.key, keys);
    if (misspelled !== undefined) {
        reader.report(entry.keyNode, entry.path, `unknown key \`${entry.key}\` in ${block.nested ? ALIAS_DNS_KEY : 'dns'}. Did you mean \`${misspelled}\`?`);
        return;
    }
    if (looksLikeCredential(entry.key)) {
        reader.report(entry.keyNode, entry.path, `\`${entry.key}\` looks like a credential, and credentials never live in the manifest: remove it and ${credentialAdvice(block.provider)}.`);
        return;
    }
    if (!KEBAB_CASE.test(entry.key)) {
        reader.report(entry.keyNode, entry.path, `provider option \`${entry.key}\` is not in kebab case: write \`${toKebabCase(entry.key)}\`.`);
        return;
    }
    const value = entry.value;
    if ((0,dist/* isScalar */.jn)(value) && value.value === null) {
        layer.options[entry.key] = null;
    }
    else if ((0,dist/* isScalar */.jn)(value) && typeof value.value === 'number') {
        // The text as written keeps what the number conversion drops, such as the leading zero of `0123`.
        layer.options[entry.key] = value.source ?? String(value.value);
    }
    else if ((0,dist/* isScalar */.jn)(value) && ['string', 'boolean'].includes(typeof value.value)) {
        layer.options[entry.key] = String(value.value);
    }
    else {
        reader.report(value, entry.path, `provider option \`${entry.key}\` must be a string, number or boolean, found ${reader_describe(value)}.`);
    }
}
/** True for option names such as `tsig-secret`, `api-token` or `api-key`, but not `tsig-key-name` or `access-key-id`. */
function looksLikeCredential(key) {
    const lower = key.toLowerCase();
    if (SECRET_WORDS.some((word) => lower.includes(word)))
        return true;
    if (!lower.includes('key'))
        return false;
    return !IDENTIFIER_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}
/** Names the environment variable that the credential belongs in instead. */
function credentialAdvice(provider) {
    const variable = provider === undefined ? undefined : CREDENTIAL_VARIABLES[provider];
    if (variable)
        return `set the environment variable ${variable} (or ${variable}_FILE) instead`;
    return 'set it in the environment variable that the DNS provider reads for it instead';
}

;// CONCATENATED MODULE: ./lib/manifest/presets.js
/** Directory URLs of the CAs that the manifest accepts by name. */
const CA_PRESETS = Object.freeze({
    letsencrypt: {
        directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory',
        externalAccountBinding: false,
    },
    'letsencrypt-staging': {
        directoryUrl: 'https://acme-staging-v02.api.letsencrypt.org/directory',
        externalAccountBinding: false,
    },
    zerossl: { directoryUrl: 'https://acme.zerossl.com/v2/DV90', externalAccountBinding: true },
    google: {
        directoryUrl: 'https://dv.acme-v02.api.pki.goog/directory',
        externalAccountBinding: true,
    },
    'google-staging': {
        directoryUrl: 'https://dv.acme-v02.test-api.pki.goog/directory',
        externalAccountBinding: true,
    },
    buypass: {
        directoryUrl: 'https://api.buypass.com/acme/directory',
        externalAccountBinding: false,
    },
    'buypass-staging': {
        directoryUrl: 'https://api.test4.buypass.no/acme/directory',
        externalAccountBinding: false,
    },
});
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
/**
 * Checks a directory URL and returns the reason it is rejected, or undefined when it
 * is usable. Plain http is allowed only on loopback, where a local test CA such as
 * Pebble runs; anywhere else it would expose the account's requests.
 */
function checkDirectoryUrl(text) {
    let url;
    try {
        url = new URL(text);
    }
    catch {
        return `\`${text}\` is neither a CA preset nor a URL`;
    }
    if (url.protocol === 'https:')
        return undefined;
    if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))
        return undefined;
    if (url.protocol === 'http:') {
        return `the directory URL \`${text}\` uses http, which is allowed only for 127.0.0.1, localhost and ::1: use https`;
    }
    return `the directory URL \`${text}\` must use https`;
}

;// CONCATENATED MODULE: ./lib/manifest/settings.js






const KEY_TYPES = [
    'ec-p256',
    'ec-p384',
    'rsa-2048',
    'rsa-3072',
    'rsa-4096',
];
const REPLACES_POLICIES = ['auto', 'never'];
const ALREADY_REPLACED_POLICIES = ['fallback', 'fail'];
/** Keys that `defaults` and each certificate may both set. */
const SETTING_KEYS = [
    'ca',
    'key-type',
    'profile',
    'ari',
    'replaces',
    'on-already-replaced',
    'dns',
];
/** Keys that only a certificate may set. */
const CERTIFICATE_ONLY_KEYS = ['name', 'domains'];
/**
 * Reads the setting keys among `entries`, after the caller has rejected unknown keys.
 * `inheritedDns` is the `dns` of defaults when reading a certificate.
 */
function readSettingsLayer(reader, entries, inheritedDns) {
    const layer = { invalid: new Set() };
    for (const entry of entries) {
        const valid = settings_readSetting(reader, entry, layer, inheritedDns);
        if (!valid)
            layer.invalid.add(entry.key);
    }
    return layer;
}
/**
 * Merges a certificate's settings over the defaults and applies the built-in defaults.
 * Reports a missing `ca` or `dns.provider` at `position`, and a `challenge-alias-dns`
 * without provider at that block, and returns undefined then.
 */
function resolveSettings(reader, defaults, certificate, position, path) {
    const ca = certificate.ca ?? defaults.ca;
    if (ca === undefined && !defaults.invalid.has('ca') && !certificate.invalid.has('ca')) {
        reader.report(position, path, `no CA is set: add \`ca: letsencrypt\` under \`defaults\` or this certificate. Other presets are ${Object.keys(CA_PRESETS).join(', ')}, and a directory URL works too.`);
    }
    const dns = mergeDnsLayers(defaults.dns, certificate.dns);
    const dnsGivenButInvalid = dns.invalid || defaults.invalid.has('dns') || certificate.invalid.has('dns');
    if (dns.provider === undefined && !dnsGivenButInvalid) {
        reader.report(position, path, `no DNS provider is set: add \`dns: { provider: rfc2136 }\` (or another of ${dns_providers_KNOWN_DNS_PROVIDERS.join(', ')}) under \`defaults\` or this certificate.`);
    }
    const aliasDnsValid = checkAliasDns(reader, dns);
    if (ca === undefined || dns.provider === undefined || !aliasDnsValid)
        return undefined;
    const resolved = {
        keyType: certificate.keyType ?? defaults.keyType ?? 'ec-p256',
        ca,
        dns: toDnsSettings(dns, dns.provider),
        ari: certificate.ari ?? defaults.ari ?? true,
        replaces: certificate.replaces ?? defaults.replaces ?? 'auto',
        onAlreadyReplaced: certificate.onAlreadyReplaced ?? defaults.onAlreadyReplaced ?? 'fallback',
    };
    const profile = certificate.profile !== undefined ? certificate.profile : defaults.profile;
    if (profile)
        resolved.profile = profile;
    return resolved;
}
/** Reads one setting into `layer` and returns false when it recorded a problem. */
function settings_readSetting(reader, entry, layer, inheritedDns) {
    const { value, path } = entry;
    switch (entry.key) {
        case 'ca':
            layer.ca = readCa(reader, value, path);
            return layer.ca !== undefined;
        case 'key-type':
            layer.keyType = reader.readChoice(value, path, KEY_TYPES);
            return layer.keyType !== undefined;
        case 'profile':
            layer.profile = isNull(value)
                ? null
                : reader.readString(value, path, 'name a profile the CA offers, such as `shortlived`');
            return layer.profile !== undefined;
        case 'ari':
            layer.ari = reader.readBoolean(value, path);
            return layer.ari !== undefined;
        case 'replaces':
            layer.replaces = reader.readChoice(value, path, REPLACES_POLICIES);
            return layer.replaces !== undefined;
        case 'on-already-replaced':
            layer.onAlreadyReplaced = reader.readChoice(value, path, ALREADY_REPLACED_POLICIES);
            return layer.onAlreadyReplaced !== undefined;
        case 'dns':
            layer.dns = readDnsLayer(reader, value, path, inheritedDns);
            return !layer.dns.invalid;
        default:
            return true;
    }
}
/** Reads `ca` as a preset name, a directory URL, or `{directory, external-account-binding}`. */
function readCa(reader, node, path) {
    if ((0,dist/* isMap */.jh)(node))
        return readCaMap(reader, node, path);
    if (!(0,dist/* isScalar */.jn)(node) || typeof node.value !== 'string' || node.value === '') {
        reader.report(node, path, `expected a CA preset (${Object.keys(CA_PRESETS).join(', ')}), a directory URL, or a map with \`directory\`, found ${reader_describe(node)}.`);
        return undefined;
    }
    const text = node.value;
    const preset = CA_PRESETS[text];
    if (preset)
        return { preset: text, ...preset };
    if (!text.includes('://')) {
        const suggestion = didYouMean(text, Object.keys(CA_PRESETS));
        reader.report(node, path, `unknown CA preset \`${text}\`.${suggestion} Presets: ${Object.keys(CA_PRESETS).join(', ')}; or give the CA's directory URL.`);
        return undefined;
    }
    const problem = checkDirectoryUrl(text);
    if (problem) {
        reader.report(node, path, `${problem}.`);
        return undefined;
    }
    return { directoryUrl: text, externalAccountBinding: false };
}
function readCaMap(reader, node, path) {
    const entries = reader.readMap(node, path, 'the CA settings');
    if (entries === undefined)
        return undefined;
    const { known } = reader.rejectUnknownKeys(entries, ['directory', 'external-account-binding'], 'ca');
    if (known.length !== entries.length)
        return undefined;
    const directory = known.find((entry) => entry.key === 'directory');
    const binding = known.find((entry) => entry.key === 'external-account-binding');
    if (directory === undefined) {
        reader.report(node, path, "missing `directory`: give the CA's directory URL, as in `ca: { directory: https://ca.example/directory }`.");
        return undefined;
    }
    const url = reader.readString(directory.value, directory.path, "give the CA's directory URL");
    const problem = url === undefined ? undefined : checkDirectoryUrl(url);
    if (problem)
        reader.report(directory.value, directory.path, `${problem}.`);
    const externalAccountBinding = binding === undefined ? false : reader.readBoolean(binding.value, binding.path);
    if (url === undefined || problem || externalAccountBinding === undefined)
        return undefined;
    return { directoryUrl: url, externalAccountBinding };
}

;// CONCATENATED MODULE: ./lib/manifest/syntax.js
// Messages that replace the parser's own, which speaks of its API rather than the file.
const MESSAGES = {
    MULTIPLE_DOCS: 'the file contains more than one YAML document',
};
// Fixes for the YAML errors people hit most in hand-written files, keyed by the yaml package's error code.
const FIXES = {
    TAB_AS_INDENT: 'indent with spaces, because YAML does not allow tabs there',
    MULTIPLE_DOCS: 'keep the manifest in one YAML document by merging the documents or removing the `---` separator and what follows it',
    DUPLICATE_KEY: 'remove one of the two entries, or merge them',
    MISSING_CHAR: 'add the missing closing character',
    BAD_INDENT: 'check the indentation, and that every `[` and `{` is closed',
    BLOCK_AS_IMPLICIT_KEY: 'put a space after the colon of the previous key, or indent this block below it',
    MULTILINE_IMPLICIT_KEY: 'end the key on the line it starts, then write `: value`',
};
/** Converts a YAML parse error into a problem at the error's start. */
function syntaxProblem(file, text, lineCounter, error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const firstLine = error.message.split('\n')[0] ?? error.message;
    let message = `invalid YAML: ${MESSAGES[error.code] ?? firstLine.replace(/\.$/, '')}`;
    if (error.code === 'DUPLICATE_KEY') {
        const key = keyAt(text, error.pos[0]);
        if (key)
            message = `invalid YAML: the key \`${key}\` appears twice in the same map`;
    }
    const fix = FIXES[error.code] ?? 'correct the YAML syntax at this point';
    return { file, line, column: col, message: `${message}: ${fix}.` };
}
/** Returns the plain key that starts at `offset`, or undefined when it is not on one line. */
function keyAt(text, offset) {
    const match = /^([^:\n]+):/.exec(text.slice(offset));
    return match?.[1]?.trim();
}

;// CONCATENATED MODULE: ./lib/manifest/parse.js






const TOP_LEVEL_KEYS = ['version', 'defaults', 'certificates'];
const CERTIFICATE_KEYS = [...CERTIFICATE_ONLY_KEYS, ...SETTING_KEYS];
// The name keys the lineage file and the output directory, so it must be safe as a file name.
const CERTIFICATE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const FILE_START = { line: 1, column: 1 };
/** Parses and validates manifest text, naming `file` in problems. Throws ManifestError listing every problem. */
function parseManifest(text, file) {
    const lineCounter = new dist/* LineCounter */.HN();
    const document = (0,dist/* parseDocument */.Tp)(text, {
        lineCounter,
        keepSourceTokens: true,
        prettyErrors: false,
    });
    // A document with syntax errors is only partly built, and checking its values would
    // report faults that fixing the syntax removes.
    if (document.errors.length > 0) {
        const problems = document.errors.map((error) => syntaxProblem(file, text, lineCounter, error));
        throw new ManifestError(sortProblems(problems));
    }
    const problems = [];
    const reader = new ManifestReader(file, document, lineCounter, problems);
    const certificates = readManifest(reader, document.contents);
    if (problems.length > 0)
        throw new ManifestError(sortProblems(problems));
    return { file, version: 1, certificates };
}
function readManifest(reader, root) {
    if (root === null) {
        reader.report(FILE_START, undefined, 'the manifest is empty: start it with `version: 1`, then list the `certificates`.');
        return [];
    }
    const entries = reader.readMap(root, '', 'the manifest');
    if (entries === undefined)
        return [];
    const { known } = reader.rejectUnknownKeys(entries, TOP_LEVEL_KEYS, 'the top level of the manifest');
    checkVersion(reader, find(known, 'version'));
    const defaults = readDefaults(reader, find(known, 'defaults'));
    const certificatesEntry = find(known, 'certificates');
    if (certificatesEntry === undefined) {
        reader.report(reader.positionOf(root), undefined, 'missing `certificates`: list the certificates to manage, each with a `name` and its `domains`.');
        return [];
    }
    return readCertificates(reader, certificatesEntry, defaults);
}
function checkVersion(reader, entry) {
    if (entry === undefined) {
        reader.report(FILE_START, 'version', 'missing `version`: add `version: 1` as the first line.');
        return;
    }
    const value = (0,dist/* isScalar */.jn)(entry.value) ? entry.value.value : undefined;
    if (value === 1)
        return;
    if (value === '1') {
        reader.report(entry.value, entry.path, 'the version is the string `"1"`: write the number, `version: 1`.');
        return;
    }
    reader.report(entry.value, entry.path, `unsupported manifest version (found ${reader_describe(entry.value)}): this release reads version 1 only, so write \`version: 1\`.`);
}
function readDefaults(reader, entry) {
    if (entry === undefined)
        return { invalid: new Set() };
    const entries = reader.readMap(entry.value, entry.path, 'the default settings');
    if (entries === undefined)
        return { invalid: new Set(SETTING_KEYS) };
    const settings = [];
    for (const setting of entries) {
        if (CERTIFICATE_ONLY_KEYS.includes(setting.key)) {
            reader.report(setting.keyNode, setting.path, `\`${setting.key}\` cannot have a default: set it under each certificate.`);
        }
        else {
            settings.push(setting);
        }
    }
    const { known } = reader.rejectUnknownKeys(settings, SETTING_KEYS, 'defaults');
    return readSettingsLayer(reader, known);
}
function readCertificates(reader, entry, defaults) {
    const items = reader.readList(entry.value, entry.path, 'the certificates');
    if (items === undefined)
        return [];
    if (items.length === 0) {
        reader.report(entry.value, entry.path, 'the certificate list is empty: add at least one certificate with a `name` and its `domains`.');
        return [];
    }
    const positions = reader.itemPositions(entry.value);
    const drafts = items.map((item, index) => readCertificate(reader, item, `${entry.path}[${index}]`, positions[index] ?? reader.positionOf(item), defaults));
    checkUniqueNames(reader, drafts);
    checkDomainsInOneCertificate(reader, drafts);
    return drafts.flatMap((draft) => (draft.spec ? [draft.spec] : []));
}
function readCertificate(reader, node, path, position, defaults) {
    const draft = { domains: [] };
    const entries = reader.readMap(node, path, 'a certificate with `name` and `domains`');
    if (entries === undefined)
        return draft;
    const nameEntry = find(entries, 'name');
    if (nameEntry) {
        draft.name = readCertificateName(reader, nameEntry);
        draft.nameEntry = nameEntry;
    }
    const certificateReader = reader.forCertificate(draft.name);
    const { known, suggested } = certificateReader.rejectUnknownKeys(entries, CERTIFICATE_KEYS, `certificate ${draft.name ? `\`${draft.name}\`` : path}`);
    if (nameEntry === undefined && !suggested.has('name')) {
        certificateReader.report(position, path, 'missing `name`: give the certificate a name such as `www`, which names its lineage file and output directory.');
    }
    const domainsEntry = find(known, 'domains');
    let domainsValid = false;
    if (domainsEntry === undefined && !suggested.has('domains')) {
        certificateReader.report(position, path, 'missing `domains`: list the DNS names the certificate covers, as in `domains: [example.com, "*.example.com"]`.');
    }
    else if (domainsEntry !== undefined) {
        const problemsBefore = certificateReader.problemCount();
        draft.domains = readDomains(certificateReader, domainsEntry);
        domainsValid = certificateReader.problemCount() === problemsBefore;
    }
    const settingEntries = known.filter((entry) => SETTING_KEYS.includes(entry.key));
    const layer = readSettingsLayer(certificateReader, settingEntries, defaults.dns);
    const settings = resolveSettings(certificateReader, defaults, layer, position, path);
    if (draft.name !== undefined && domainsValid && settings) {
        draft.spec = {
            name: draft.name,
            domains: draft.domains.map((domain) => domain.value),
            ...settings,
            position,
        };
    }
    return draft;
}
function readCertificateName(reader, entry) {
    const name = reader.readString(entry.value, entry.path, 'give a name such as `www`');
    if (name === undefined)
        return undefined;
    if (CERTIFICATE_NAME.test(name))
        return name;
    const lower = name.toLowerCase();
    const suggestion = CERTIFICATE_NAME.test(lower) ? ` Did you mean \`${lower}\`?` : '';
    reader.report(entry.value, entry.path, `invalid certificate name \`${name}\`: use 1 to 64 lower-case letters, digits, \`.\`, \`_\` and \`-\`, starting with a letter or digit, because the name becomes a file name.${suggestion}`);
    return undefined;
}
/** Reads and normalizes the domains, returning the valid ones and reporting the rest. */
function readDomains(reader, entry) {
    const items = reader.readList(entry.value, entry.path, 'a list of DNS names such as [example.com, "*.example.com"]');
    if (items === undefined)
        return [];
    if (items.length === 0) {
        reader.report(entry.value, entry.path, 'the domain list is empty: list at least one DNS name.');
        return [];
    }
    const domains = [];
    const seen = new Map();
    items.forEach((item, index) => {
        const path = `${entry.path}[${index}]`;
        const text = reader.readString(item, path, 'write the DNS name, quoted if it starts with `*`');
        if (text === undefined)
            return;
        const normalized = normalizeIdentifier(text);
        if ('error' in normalized) {
            reader.report(item, path, `invalid domain \`${text}\`: ${normalized.error}.`);
            return;
        }
        const first = seen.get(normalized.value);
        if (first) {
            const { line, column } = reader.positionOf(first);
            reader.report(item, path, `\`${normalized.value}\` is listed twice in this certificate (first at line ${line}, column ${column}): remove one.`);
            return;
        }
        seen.set(normalized.value, item);
        domains.push({ value: normalized.value, node: item, path });
    });
    return domains;
}
function checkUniqueNames(reader, drafts) {
    const firstByName = new Map();
    for (const draft of drafts) {
        if (draft.name === undefined || draft.nameEntry === undefined)
            continue;
        const first = firstByName.get(draft.name);
        if (first === undefined) {
            firstByName.set(draft.name, draft.nameEntry);
            continue;
        }
        const firstLine = reader.positionOf(first.value).line;
        const line = reader.positionOf(draft.nameEntry.value).line;
        reader
            .forCertificate(draft.name)
            .report(draft.nameEntry.value, draft.nameEntry.path, `the certificate name \`${draft.name}\` is used on line ${firstLine} and line ${line}: names must be unique because each names a lineage file, so rename one.`);
    }
}
/** Reports a domain that two certificates list, because each would renew it on its own schedule. */
function checkDomainsInOneCertificate(reader, drafts) {
    const owner = new Map();
    drafts.forEach((draft, index) => {
        const certificate = draft.name ?? `certificates[${index}]`;
        for (const domain of draft.domains) {
            const first = owner.get(domain.value);
            if (first === undefined) {
                owner.set(domain.value, { certificate, node: domain.node });
                continue;
            }
            if (first.certificate === certificate)
                continue;
            const firstLine = reader.positionOf(first.node).line;
            reader
                .forCertificate(draft.name)
                .report(domain.node, domain.path, `\`${domain.value}\` is in both certificate \`${first.certificate}\` (line ${firstLine}) and certificate \`${certificate}\`: keep it in one of them.`);
        }
    });
}
function find(entries, key) {
    return entries.find((entry) => entry.key === key);
}

;// CONCATENATED MODULE: ./lib/manifest/load.js



/** Path the action and the command line read the manifest from unless given another. */
const DEFAULT_MANIFEST_PATH = '.github/certificates.yml';
/** Reads and validates the manifest at `path`. Throws ManifestError listing every problem. */
async function loadManifest(path) {
    let text;
    try {
        text = await (0,promises_namespaceObject.readFile)(path, 'utf8');
    }
    catch (error) {
        const code = error.code;
        const message = code === 'ENOENT'
            ? `the manifest file does not exist: create it, or give the path of your manifest (the default is ${DEFAULT_MANIFEST_PATH}).`
            : `the manifest file cannot be read (${error instanceof Error ? error.message : String(error)}): check its path and permissions.`;
        throw new ManifestError([{ file: path, ...FILE_START, message }]);
    }
    return parseManifest(text, path);
}

;// CONCATENATED MODULE: ./lib/ari/der.js
/**
 * Minimal DER reader for the few certificate fields ARI needs. It reads tag, length
 * and content offsets only, and decodes no type that its caller does not request.
 */
const TAG_BOOLEAN = 0x01;
const TAG_INTEGER = 0x02;
const TAG_OCTET_STRING = 0x04;
const TAG_OID = 0x06;
const TAG_UTC_TIME = 0x17;
const TAG_GENERALIZED_TIME = 0x18;
const TAG_SEQUENCE = 0x30;
/** Raised for bytes that are not the DER the reader expected. */
class DerError extends Error {
    constructor(message) {
        super(message);
        this.name = 'DerError';
    }
}
/** Reads the element that starts at `offset`, checking that it fits before `limit`. */
function readElement(der, offset, limit = der.length) {
    if (offset + 2 > limit) {
        throw new DerError(`truncated element header at byte ${offset}`);
    }
    const tag = der[offset];
    if ((tag & 0x1f) === 0x1f) {
        throw new DerError(`unsupported multi-byte tag at byte ${offset}`);
    }
    const first = der[offset + 1];
    let length = first;
    let contentStart = offset + 2;
    if (first === 0x80) {
        throw new DerError(`indefinite length at byte ${offset}, which DER forbids`);
    }
    if (first > 0x80) {
        const lengthBytes = first & 0x7f;
        if (lengthBytes > 4 || contentStart + lengthBytes > limit) {
            throw new DerError(`invalid length field at byte ${offset}`);
        }
        length = 0;
        for (let i = 0; i < lengthBytes; i++) {
            length = length * 256 + der[contentStart + i];
        }
        contentStart += lengthBytes;
    }
    const end = contentStart + length;
    if (end > limit) {
        throw new DerError(`element at byte ${offset} runs past the end of its container`);
    }
    return { tag, contentStart, end };
}
/** Reads the elements directly inside a constructed element. */
function readChildren(der, parent) {
    const children = [];
    let offset = parent.contentStart;
    while (offset < parent.end) {
        const child = readElement(der, offset, parent.end);
        children.push(child);
        offset = child.end;
    }
    return children;
}
/** Reads the element at `offset` and checks its tag. `description` names it in the error. */
function expectElement(der, offset, tag, description, limit = der.length) {
    const element = readElement(der, offset, limit);
    if (element.tag !== tag) {
        throw new DerError(`expected ${description} (tag 0x${hex(tag)}) at byte ${offset}, found tag 0x${hex(element.tag)}`);
    }
    return element;
}
/** Returns the content bytes of an element, sharing memory with `der`. */
function contentOf(der, element) {
    return der.subarray(element.contentStart, element.end);
}
/** Decodes a UTCTime or GeneralizedTime in the forms RFC 5280 section 4.1.2.5 allows. */
function readTime(der, element) {
    const text = Buffer.from(contentOf(der, element)).toString('latin1');
    let pattern;
    if (element.tag === TAG_UTC_TIME) {
        pattern = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
    }
    else if (element.tag === TAG_GENERALIZED_TIME) {
        pattern = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
    }
    else {
        throw new DerError(`expected a UTCTime or GeneralizedTime, found tag 0x${hex(element.tag)}`);
    }
    const match = pattern.exec(text);
    if (!match) {
        throw new DerError(`invalid time "${text}"`);
    }
    const [year, month, day, hours, minutes, seconds] = match.slice(1).map(Number);
    let fullYear = year;
    if (element.tag === TAG_UTC_TIME) {
        // RFC 5280: two-digit years 50..99 are 19xx, 00..49 are 20xx.
        fullYear += fullYear >= 50 ? 1900 : 2000;
    }
    return new Date(Date.UTC(fullYear, month - 1, day, hours, minutes, seconds));
}
function hex(byte) {
    return byte.toString(16).padStart(2, '0');
}

;// CONCATENATED MODULE: ./lib/ari/certid.js


/** Raised for input that is not a certificate or not a certID. */
class CertIdError extends Error {
    constructor(message) {
        super(message);
        this.name = 'CertIdError';
    }
}
// DER content of the OIDs 2.5.29.35 (authorityKeyIdentifier) and 2.5.29.17 (subjectAltName).
const OID_AUTHORITY_KEY_IDENTIFIER = '551d23';
const OID_SUBJECT_ALT_NAME = '551d11';
const TAG_VERSION = 0xa0;
const TAG_EXTENSIONS = 0xa3;
const TAG_KEY_IDENTIFIER = 0x80;
const TAG_DNS_NAME = 0x82;
const TAG_IP_ADDRESS = 0x87;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/;
const BASE64URL_HALF = /^[A-Za-z0-9_-]+$/;
/**
 * Reads the identity of a certificate given as PEM (the first certificate of a chain is
 * used) or DER. Serial and Authority Key Identifier come from the DER itself: the
 * `serialNumber` of @peculiar/x509 2.2 drops the 0x00 sign byte, and OpenSSL's text
 * output changes format between versions.
 */
function certificateIdentity(pemOrDer) {
    const der = toDer(pemOrDer);
    try {
        return readIdentity(der);
    }
    catch (error) {
        // DerError from this reader, or Node's own parse error from reading the issuer.
        const reason = error instanceof Error ? error.message : String(error);
        throw new CertIdError(`Invalid certificate: ${reason}. Pass a PEM or DER X.509 certificate.`);
    }
}
/** Builds an RFC 9773 section 4.1 certID from the AKI keyIdentifier and the serial's DER content. */
function encodeCertId(authorityKeyId, serialBytes) {
    return `${Buffer.from(authorityKeyId).toString('base64url')}.${Buffer.from(serialBytes).toString('base64url')}`;
}
/** Decodes a certID. Throws a {@link CertIdError} naming the value when it is malformed. */
function parseCertId(certId) {
    const halves = certId.split('.');
    const [akiPart, serialPart] = halves;
    if (halves.length !== 2 ||
        !akiPart ||
        !serialPart ||
        !BASE64URL_HALF.test(akiPart) ||
        !BASE64URL_HALF.test(serialPart)) {
        throw new CertIdError(`Invalid certID "${certId}": expected base64url(AKI keyIdentifier) "." base64url(serial), without "=" padding.`);
    }
    const authorityKeyId = Buffer.from(akiPart, 'base64url');
    const serialBytes = Buffer.from(serialPart, 'base64url');
    // Node's decoder ignores stray trailing bits, so only a value that re-encodes to itself is canonical.
    if (encodeCertId(authorityKeyId, serialBytes) !== certId) {
        throw new CertIdError(`Invalid certID "${certId}": a half is not canonical base64url.`);
    }
    return { authorityKeyId, serialBytes, serialHex: serialBytes.toString('hex') };
}
function toDer(pemOrDer) {
    const looksLikePem = typeof pemOrDer === 'string' || Buffer.from(pemOrDer.subarray(0, 64)).includes('-----BEGIN');
    if (!looksLikePem)
        return pemOrDer;
    const text = typeof pemOrDer === 'string' ? pemOrDer : Buffer.from(pemOrDer).toString('utf8');
    const match = PEM_CERTIFICATE.exec(text);
    if (!match?.[1]) {
        throw new CertIdError('No PEM certificate found: expected a "-----BEGIN CERTIFICATE-----" block.');
    }
    return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}
function readIdentity(der) {
    const certificate = expectElement(der, 0, TAG_SEQUENCE, 'Certificate');
    const tbs = expectElement(der, certificate.contentStart, TAG_SEQUENCE, 'TBSCertificate', certificate.end);
    const fields = readChildren(der, tbs);
    // RFC 5280 section 4.1: an optional [0] version, then serial, signature, issuer, validity.
    const [serialField, , , validityField] = fields.slice(fields[0]?.tag === TAG_VERSION ? 1 : 0);
    const serial = requireField(serialField, TAG_INTEGER, 'serialNumber');
    const validity = requireField(validityField, TAG_SEQUENCE, 'validity');
    const [notBefore, notAfter] = readChildren(der, validity);
    if (!notBefore || !notAfter)
        throw new DerError('validity lacks notBefore or notAfter');
    const extensions = extensionValues(der, fields.find((field) => field.tag === TAG_EXTENSIONS));
    const serialBytes = Buffer.from(contentOf(der, serial));
    const authorityKeyId = readAuthorityKeyId(der, extensions.get(OID_AUTHORITY_KEY_IDENTIFIER));
    return {
        serialHex: serialBytes.toString('hex'),
        serialBytes,
        authorityKeyId,
        certId: authorityKeyId ? encodeCertId(authorityKeyId, serialBytes) : null,
        notBefore: readTime(der, notBefore),
        notAfter: readTime(der, notAfter),
        issuer: new external_node_crypto_namespaceObject.X509Certificate(der).issuer.split('\n').join(', '),
        subjectAltNames: readSubjectAltNames(der, extensions.get(OID_SUBJECT_ALT_NAME)),
    };
}
function requireField(field, tag, fieldName) {
    if (!field || field.tag !== tag)
        throw new DerError(`TBSCertificate lacks ${fieldName}`);
    return field;
}
/** Maps each extension's OID (hex of its DER content) to its extnValue OCTET STRING. */
function extensionValues(der, wrapper) {
    const values = new Map();
    if (!wrapper)
        return values;
    const list = expectElement(der, wrapper.contentStart, TAG_SEQUENCE, 'Extensions', wrapper.end);
    for (const extension of readChildren(der, list)) {
        const [oid, second, third] = readChildren(der, extension);
        if (!oid || oid.tag !== TAG_OID)
            throw new DerError('extension without an OID');
        const value = second?.tag === TAG_BOOLEAN ? third : second;
        if (!value || value.tag !== TAG_OCTET_STRING)
            throw new DerError('extension without extnValue');
        values.set(Buffer.from(contentOf(der, oid)).toString('hex'), value);
    }
    return values;
}
/** Reads keyIdentifier, the optional [0] of AuthorityKeyIdentifier (RFC 5280 section 4.2.1.1). */
function readAuthorityKeyId(der, value) {
    if (!value)
        return null;
    const aki = expectElement(der, value.contentStart, TAG_SEQUENCE, 'AuthorityKeyIdentifier', value.end);
    const keyIdentifier = readChildren(der, aki).find((field) => field.tag === TAG_KEY_IDENTIFIER);
    if (!keyIdentifier || keyIdentifier.end === keyIdentifier.contentStart)
        return null;
    return Buffer.from(contentOf(der, keyIdentifier));
}
function readSubjectAltNames(der, value) {
    if (!value)
        return [];
    const names = readElement(der, value.contentStart, value.end);
    const result = [];
    for (const name of readChildren(der, names)) {
        const bytes = Buffer.from(contentOf(der, name));
        if (name.tag === TAG_DNS_NAME)
            result.push(bytes.toString('latin1'));
        if (name.tag === TAG_IP_ADDRESS)
            result.push(formatIpAddress(bytes));
    }
    return result;
}
function formatIpAddress(bytes) {
    if (bytes.length === 4)
        return Array.from(bytes).join('.');
    const groups = [];
    for (let i = 0; i + 1 < bytes.length; i += 2)
        groups.push(bytes.readUInt16BE(i).toString(16));
    // Shortened with "::" like Node and the URL parser print it, so names compare equal.
    return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

;// CONCATENATED MODULE: ./lib/ari/renewal-info.js


const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const MIN_RETRY_AFTER_MS = MINUTE_MS;
const MAX_RETRY_AFTER_MS = DAY_MS;
/** Used when the CA sends no Retry-After: often enough to see a moved window within a 6-day lifetime. */
const DEFAULT_RETRY_AFTER_MS = 6 * HOUR_MS;
const FIRST_BACKOFF_MS = MINUTE_MS;
const MAX_BACKOFF_MS = 6 * HOUR_MS;
const LASTING_FAILURE_RETRY_MS = 6 * HOUR_MS;
// Node reports a name that does not resolve as ENOTFOUND, and a resolver that does not respond as EAI_AGAIN.
const DNS_ERROR_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
// RFC 3339 date-time. Fractional seconds may have up to nine digits, as Go's time.Time JSON encoding emits.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
/**
 * Sends the unauthenticated `GET {renewalInfoUrl}/{certId}` of RFC 9773 section 4.2 and
 * classifies the outcome. Network and CA failures come back as a {@link RenewalInfoFailure}
 * with the time of the next attempt. It throws a CertIdError only for a malformed certId.
 */
async function fetchRenewalInfo(http, renewalInfoUrl, certId, now, options = {}) {
    parseCertId(certId);
    const url = `${renewalInfoUrl.replace(/\/+$/, '')}/${certId}`;
    const failedAttempts = options.failedAttempts ?? 0;
    let response;
    try {
        response = await http.get(url, { accept: 'application/json' });
    }
    catch (error) {
        return requestFailure(url, error, now, failedAttempts);
    }
    if (response.status !== 200) {
        return statusFailure(url, response, now, failedAttempts);
    }
    const parsed = parseRenewalInfo(response.body);
    if (typeof parsed === 'string') {
        return failure(`renewalInfo ${url} returned an invalid answer: ${parsed}.`, true, now, failedAttempts, 200);
    }
    return {
        ok: true,
        ...parsed,
        retryAfter: retryAfterTime(response.headers['retry-after'], now) ??
            new Date(now.getTime() + DEFAULT_RETRY_AFTER_MS),
    };
}
/**
 * Reads `Retry-After` as delay seconds or an HTTP date (RFC 9110 section 10.2.3) and
 * clamps it to [1 minute, 1 day] from `now`. Returns undefined when absent or unparsable.
 */
function retryAfterTime(header, now) {
    if (header === undefined)
        return undefined;
    const text = header.trim();
    let delayMs;
    if (/^\d+$/.test(text)) {
        delayMs = Number(text) * 1000;
    }
    else {
        const date = Date.parse(text);
        if (Number.isNaN(date) || !/[a-z]/i.test(text))
            return undefined;
        delayMs = date - now.getTime();
    }
    const clamped = Math.min(Math.max(delayMs, MIN_RETRY_AFTER_MS), MAX_RETRY_AFTER_MS);
    return new Date(now.getTime() + clamped);
}
/** Delay after the n-th consecutive temporary failure: 1 minute, doubling, at most 6 hours. */
function backoffDelayMs(failedAttempts) {
    const exponent = Math.min(Math.max(failedAttempts, 0), 30);
    return Math.min(FIRST_BACKOFF_MS * 2 ** exponent, MAX_BACKOFF_MS);
}
/** Parses an RFC 3339 timestamp, keeping millisecond precision. Returns undefined when invalid. */
function parseRfc3339(text) {
    const match = RFC3339.exec(text);
    if (!match)
        return undefined;
    const [, year, month, day, hours, minutes, seconds, fraction, zulu, sign, offsetHours, offsetMinutes,] = match;
    const milliseconds = Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
    let time = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hours), Number(minutes), Number(seconds), milliseconds);
    const date = new Date(time);
    // Date.UTC rolls 31 February over into March, so a changed day or month means no such date.
    if (date.getUTCDate() !== Number(day) ||
        date.getUTCMonth() !== Number(month) - 1 ||
        Number(hours) > 23 ||
        Number(minutes) > 59 ||
        Number(seconds) > 60) {
        return undefined;
    }
    if (!zulu) {
        const offsetMs = (Number(offsetHours) * 60 + Number(offsetMinutes)) * MINUTE_MS;
        time += sign === '+' ? -offsetMs : offsetMs;
    }
    return new Date(time);
}
/** Returns the window and explanation URL, or a string saying what is wrong with the body. */
function parseRenewalInfo(body) {
    let json;
    try {
        json = JSON.parse(body);
    }
    catch {
        return 'the body is not JSON';
    }
    if (typeof json !== 'object' || json === null)
        return 'the body is not a JSON object';
    const { suggestedWindow, explanationURL } = json;
    if (typeof suggestedWindow !== 'object' || suggestedWindow === null)
        return 'suggestedWindow is missing';
    const { start, end } = suggestedWindow;
    const startTime = typeof start === 'string' ? parseRfc3339(start) : undefined;
    const endTime = typeof end === 'string' ? parseRfc3339(end) : undefined;
    if (!startTime || !endTime) {
        return `suggestedWindow start ${JSON.stringify(start)} or end ${JSON.stringify(end)} is not an RFC 3339 time`;
    }
    // RFC 9773 section 4.2: a window whose end is not after its start is invalid.
    if (endTime.getTime() <= startTime.getTime()) {
        return `suggestedWindow end ${end} is not after start ${start}`;
    }
    const answer = {
        suggestedWindow: { start: startTime, end: endTime },
    };
    if (typeof explanationURL === 'string' && explanationURL !== '')
        answer.explanationUrl = explanationURL;
    return answer;
}
function requestFailure(url, error, now, failedAttempts) {
    const code = error instanceof HttpRequestError ? error.code : '';
    const reason = error instanceof Error ? error.message : String(error);
    if (DNS_ERROR_CODES.has(code)) {
        return failure(`renewalInfo ${url}: the host name does not resolve (${reason}).`, true, now, failedAttempts);
    }
    if (code === 'EINVALIDURL') {
        return failure(`renewalInfo URL is invalid: ${reason}`, true, now, failedAttempts);
    }
    return failure(`renewalInfo request failed: ${reason}`, false, now, failedAttempts);
}
function statusFailure(url, response, now, failedAttempts) {
    const problem = renewal_info_describeProblem(response.body);
    const message = `renewalInfo ${url} returned HTTP ${response.status}${problem}.`;
    const temporary = response.status === 429 || response.status >= 500;
    const result = failure(message, !temporary, now, failedAttempts, response.status);
    // The CA's own Retry-After wins when it is longer than the backoff.
    const retryAfter = temporary ? retryAfterTime(response.headers['retry-after'], now) : undefined;
    if (retryAfter && retryAfter.getTime() > result.nextAttemptAt.getTime())
        result.nextAttemptAt = retryAfter;
    return result;
}
/** Formats an RFC 7807 problem document as `: type: detail`, or nothing when the body is not one. */
function renewal_info_describeProblem(body) {
    try {
        const problem = JSON.parse(body);
        const parts = [problem.type, problem.detail].filter((part) => typeof part === 'string');
        return parts.length > 0 ? `: ${parts.join(': ')}` : '';
    }
    catch {
        return '';
    }
}
function failure(message, lasting, now, failedAttempts, status) {
    const delayMs = lasting ? LASTING_FAILURE_RETRY_MS : backoffDelayMs(failedAttempts);
    const result = {
        ok: false,
        lasting,
        message,
        nextAttemptAt: new Date(now.getTime() + delayMs),
        failedAttempts: failedAttempts + 1,
    };
    if (status !== undefined)
        result.status = status;
    return result;
}

;// CONCATENATED MODULE: ./lib/ari/schedule.js

/**
 * Decides whether a certificate must be renewed on this run. It reads, in order:
 * expiry, the ARI-chosen time, the emergency threshold, and the lifetime rule when there
 * is no ARI response. ARI is never the only reason: a certificate close to expiry is
 * renewed even when the CA's window lies later.
 */
function decideRenewal(input) {
    checkInput(input);
    const { now, notAfter } = input;
    if (now.getTime() >= notAfter.getTime()) {
        return decision(true, 'expired', notAfter, `due (expired): the certificate expired at ${formatTime(notAfter)}`);
    }
    if (input.ari) {
        return decideWithAri(input, input.ari.window);
    }
    return emergencyDecision(input, '') ?? lifetimeDecision(input);
}
/** Thresholds and ratios of the rules, exported so callers can describe them. */
const EMERGENCY_LIFETIME_FRACTION = 1 / 10;
const EMERGENCY_MIN_REMAINING_MS = DAY_MS;
const SHORT_LIFETIME_MS = 10 * DAY_MS;
/**
 * Remaining time below which the certificate is renewed even when the ARI window lies
 * later. It is a tenth of the lifetime, but at least a day. For lifetimes under 4 days the
 * day becomes a quarter of the lifetime, so the emergency still comes after the point
 * where the lifetime rule renews (half the lifetime left).
 */
function emergencyRemainingMs(lifetimeMs) {
    const floor = Math.min(EMERGENCY_MIN_REMAINING_MS, lifetimeMs / 4);
    return Math.max(lifetimeMs * EMERGENCY_LIFETIME_FRACTION, floor);
}
/** Share of the lifetime still left when the lifetime rule renews: 1/3, or 1/2 up to 10 days. */
function lifetimeRemainingFraction(lifetimeMs) {
    return lifetimeMs <= SHORT_LIFETIME_MS ? 1 / 2 : 1 / 3;
}
function decideWithAri(input, window) {
    const { now } = input;
    const windowText = `window ${formatWindow(window)}`;
    // A window that has already ended means the CA wants the certificate replaced now.
    if (window.end.getTime() <= now.getTime()) {
        return decision(true, 'ari-window-past', now, `due (ari-window-past): ${windowText} has already ended`);
    }
    const chosen = chooseRenewalTime(input, window);
    const nextRun = nextRunTime(input);
    if (chosen.time.getTime() <= now.getTime() || chosen.time.getTime() < nextRun.getTime()) {
        const when = describeDueTime(chosen.time, now, nextRun);
        const explanation = `due (ari-window): ${windowText}, renewal chosen at ${formatTime(chosen.time)}${chosen.note}, which ${when}`;
        return {
            ...decision(true, 'ari-window', chosen.time, explanation),
            chosenRenewalTime: chosen.time,
        };
    }
    const emergency = emergencyDecision(input, `, although the ARI ${windowText} lies later`);
    if (emergency)
        return { ...emergency, chosenRenewalTime: chosen.time };
    const nextCheck = input.ari?.retryAfter ?? nextRun;
    const explanation = `not due: ${windowText}, renewal chosen at ${formatTime(chosen.time)}${chosen.note}, next check after ${formatTime(nextCheck)}`;
    return {
        ...decision(false, 'not-due', chosen.time, explanation),
        chosenRenewalTime: chosen.time,
    };
}
/**
 * Keeps the stored moment while it lies in an unchanged window. Otherwise it picks a
 * uniformly random moment in the window (RFC 9773 section 4.2). A window that opened
 * before this choice means the CA moved it into the present, so the moment is now.
 */
function chooseRenewalTime(input, window) {
    const { now, storedChosenTime, storedWindow } = input;
    const start = window.start.getTime();
    const end = window.end.getTime();
    const sameWindow = !storedWindow || (storedWindow.start.getTime() === start && storedWindow.end.getTime() === end);
    const storedInside = storedChosenTime !== undefined &&
        storedChosenTime.getTime() >= start &&
        storedChosenTime.getTime() <= end;
    if (storedChosenTime && sameWindow && storedInside) {
        return { time: storedChosenTime, note: '' };
    }
    const notes = [];
    if (start <= now.getTime())
        notes.push('the window was already open');
    if (storedChosenTime) {
        const replacedReason = storedInside ? 'chosen in an earlier window' : 'outside this window';
        notes.push(`replacing ${formatTime(storedChosenTime)}, ${replacedReason}`);
    }
    const note = notes.length > 0 ? ` (${notes.join(', ')})` : '';
    if (start <= now.getTime())
        return { time: now, note };
    const offset = Math.floor(clampUnit(input.random()) * (end - start));
    return { time: new Date(start + offset), note };
}
/** Renews now when the certificate expires before the next run or is inside the emergency threshold. */
function emergencyDecision(input, suffix) {
    const { now, notAfter } = input;
    const lifetimeMs = notAfter.getTime() - input.notBefore.getTime();
    const thresholdMs = emergencyRemainingMs(lifetimeMs);
    const remainingMs = notAfter.getTime() - now.getTime();
    const nextRun = nextRunTime(input);
    if (notAfter.getTime() <= nextRun.getTime()) {
        const explanation = `due (expiring): the certificate expires at ${formatTime(notAfter)}, before the next run at ${formatTime(nextRun)}${suffix}`;
        return decision(true, 'expiring', now, explanation);
    }
    if (remainingMs < thresholdMs) {
        const explanation = `due (expiring): the certificate expires at ${formatTime(notAfter)}, ${formatDuration(remainingMs)} left, under the emergency threshold of ${formatDuration(thresholdMs)}${suffix}`;
        return decision(true, 'expiring', now, explanation);
    }
    return undefined;
}
function lifetimeDecision(input) {
    const { now, notAfter } = input;
    const lifetimeMs = notAfter.getTime() - input.notBefore.getTime();
    const fraction = lifetimeRemainingFraction(lifetimeMs);
    const renewAt = new Date(notAfter.getTime() - lifetimeMs * fraction);
    const nextRun = nextRunTime(input);
    const rule = `renewal at ${formatTime(renewAt)} when 1/${Math.round(1 / fraction)} of the ${formatDuration(lifetimeMs)} lifetime remains`;
    const withoutAri = input.withoutAriReason
        ? `, without ARI because ${input.withoutAriReason}`
        : '';
    if (renewAt.getTime() <= now.getTime() || renewAt.getTime() < nextRun.getTime()) {
        const when = describeDueTime(renewAt, now, nextRun);
        return decision(true, 'lifetime', renewAt, `due (lifetime): ${rule}, which ${when}${withoutAri}`);
    }
    const explanation = `not due: ${rule}, expires ${formatTime(notAfter)}, next check after ${formatTime(nextRun)}${withoutAri}`;
    return decision(false, 'not-due', renewAt, explanation);
}
function checkInput(input) {
    for (const name of ['now', 'notBefore', 'notAfter']) {
        if (Number.isNaN(input[name].getTime())) {
            throw new RangeError(`decideRenewal: ${name} is an invalid date.`);
        }
    }
    if (input.notAfter.getTime() <= input.notBefore.getTime()) {
        throw new RangeError(`decideRenewal: notAfter ${input.notAfter.toISOString()} is not after notBefore ${input.notBefore.toISOString()}. Check the certificate's validity dates.`);
    }
    if (!Number.isFinite(input.intervalToNextRunMs) || input.intervalToNextRunMs < 0) {
        throw new RangeError(`decideRenewal: intervalToNextRunMs must be a finite number >= 0, got ${input.intervalToNextRunMs}.`);
    }
    const window = input.ari?.window;
    if (window && !(window.end.getTime() > window.start.getTime())) {
        throw new RangeError(`decideRenewal: ARI window end ${window.end.toISOString()} is not after start ${window.start.toISOString()}. Pass no ari for an invalid window.`);
    }
}
function decision(due, reason, renewAt, explanation) {
    return { due, reason, renewAt, explanation };
}
function describeDueTime(time, now, nextRun) {
    if (time.getTime() === now.getTime())
        return 'is now';
    if (time.getTime() < now.getTime())
        return 'has passed';
    return `is before the next run at ${formatTime(nextRun)}`;
}
function nextRunTime(input) {
    return new Date(input.now.getTime() + input.intervalToNextRunMs);
}
function clampUnit(value) {
    if (!Number.isFinite(value) || value < 0)
        return 0;
    return value >= 1 ? 1 : value;
}
/** Formats a time to the minute, for example `2027-02-01T00:00Z`. */
function formatTime(time) {
    return `${time.toISOString().slice(0, 16)}Z`;
}
function formatWindow(window) {
    return `${formatTime(window.start)}..${formatTime(window.end)}`;
}
/** Formats a duration in the largest whole unit that fits: days, hours or minutes. */
function formatDuration(ms) {
    if (ms >= DAY_MS && ms % DAY_MS === 0)
        return `${ms / DAY_MS} d`;
    if (ms >= DAY_MS)
        return `${(ms / DAY_MS).toFixed(1)} d`;
    if (ms >= HOUR_MS)
        return `${(ms / HOUR_MS).toFixed(1).replace(/\.0$/, '')} h`;
    return `${Math.round(ms / MINUTE_MS)} min`;
}

;// CONCATENATED MODULE: ./lib/lineage/lineage.js

/*
 * Pure helpers on Lineage. Each returns a new lineage and leaves its argument
 * unchanged, so they are safe inside LineageStore.update, which may call its
 * change function more than once.
 */
/** Returns the current certificate (the last one issued), or undefined for a new lineage. */
function currentCertificate(lineage) {
    return lineage.certificates[lineage.certificates.length - 1];
}
/** Creates the lineage of a certificate name that has no certificate yet. */
function emptyLineage(name) {
    return { schemaVersion: LINEAGE_SCHEMA_VERSION, name, certificates: [] };
}
/**
 * Appends `record` as the new current certificate. The previous current certificate
 * gets `replacedBy` pointing at it, whether or not the order carried `replaces`,
 * because the lineage moves on to the new certificate in both cases. A `replacedBy`
 * that the previous certificate already has is kept when it names another order or
 * serial, or an order the lineage never recorded (`unknownOrder`), because that is what
 * the CA reported. When it names this record's order or serial, it is completed.
 * A pending order with the record's order URL is cleared, since it is finished.
 * Recording a serial that the lineage already contains returns the lineage
 * unchanged, so a certificate recovered twice is listed once.
 */
function recordIssued(lineage, record) {
    if (lineage.certificates.some((certificate) => certificate.serial === record.serial))
        return lineage;
    const previous = currentCertificate(lineage);
    const certificates = lineage.certificates.slice(0, -1);
    if (previous)
        certificates.push(withReplacement(previous, record));
    certificates.push(record);
    const updated = { ...lineage, certificates };
    return record.orderUrl === lineage.pendingOrder?.orderUrl ? clearPendingOrder(updated) : updated;
}
function withReplacement(previous, record) {
    const known = previous.replacedBy;
    const replacement = {
        at: record.issuedAt,
        serial: record.serial,
        orderUrl: record.orderUrl,
    };
    if (!known)
        return { ...previous, replacedBy: replacement };
    let sameReplacement;
    if (known.orderUrl !== undefined)
        sameReplacement = known.orderUrl === record.orderUrl;
    else if (known.serial !== undefined)
        sameReplacement = known.serial === record.serial;
    else
        sameReplacement = known.unknownOrder !== true;
    if (!sameReplacement)
        return previous;
    const completed = { ...known, serial: record.serial, orderUrl: record.orderUrl };
    delete completed.unknownOrder;
    return { ...previous, replacedBy: completed };
}
/**
 * Records `order` as in flight, before finalization, so a run that dies afterwards
 * leaves its URL for the next run to recover. Journaling the same order URL again
 * replaces the entry. Throws when another order is journaled, because overwriting
 * it would lose the only pointer to a certificate the CA may already have issued.
 */
function journalPendingOrder(lineage, order) {
    const pending = lineage.pendingOrder;
    if (pending && pending.orderUrl !== order.orderUrl) {
        throw new Error(`Lineage ${lineage.name} already journals order ${pending.orderUrl} (started ${pending.startedAt}). ` +
            'Recover or clear that order before placing another.');
    }
    return { ...lineage, pendingOrder: order };
}
/**
 * Removes the pending order. With `orderUrl`, removes it only when it is that order,
 * so a run never clears an order that another run journaled meanwhile.
 */
function clearPendingOrder(lineage, orderUrl) {
    if (!lineage.pendingOrder)
        return lineage;
    if (orderUrl !== undefined && lineage.pendingOrder.orderUrl !== orderUrl)
        return lineage;
    const updated = { ...lineage };
    delete updated.pendingOrder;
    return updated;
}
/**
 * Sets `replacedBy` of the certificate with `serial`, replacing any earlier value.
 * Throws when the lineage has no certificate with that serial.
 */
function markReplaced(lineage, serial, replacedBy) {
    const index = lineage.certificates.findIndex((certificate) => certificate.serial === serial);
    if (index < 0) {
        throw new Error(`Lineage ${lineage.name} has no certificate with serial ${serial}, so it cannot be marked replaced.`);
    }
    const certificates = lineage.certificates.map((certificate, position) => position === index ? { ...certificate, replacedBy } : certificate);
    return { ...lineage, certificates };
}
/** Adds `block` to the replaces blocks, replacing an earlier block of the same certID. */
function blockReplaces(lineage, block) {
    const others = (lineage.replacesBlocks ?? []).filter((existing) => existing.certId !== block.certId);
    return { ...lineage, replacesBlocks: [...others, block] };
}
/** Returns whether `certId` must not be sent as `replaces` again. */
function isReplacesBlocked(lineage, certId) {
    return (lineage.replacesBlocks ?? []).some((block) => block.certId === certId);
}

;// CONCATENATED MODULE: ./lib/renew/assess.js



/**
 * Decides whether `spec` needs a new certificate now. Reasons in order: nothing issued
 * yet, domains changed in the manifest, the recovered certificate has no private key,
 * then the ARI window and the lifetime rule (see decideRenewal).
 */
async function assessCertificate(context, spec, lineage) {
    const now = context.now();
    const current = lineage ? currentCertificate(lineage) : undefined;
    const base = {
        name: spec.name,
        domains: spec.domains,
        outcome: 'due',
        reason: '',
    };
    if (!current) {
        return { due: true, status: { ...base, reason: 'due: no certificate issued yet' } };
    }
    const known = {
        currentSerial: current.serial,
        notBefore: new Date(current.notBefore),
        notAfter: new Date(current.notAfter),
    };
    const missing = spec.domains.filter((domain) => !current.identifiers.includes(domain));
    const extra = current.identifiers.filter((domain) => !spec.domains.includes(domain));
    if (missing.length > 0 || extra.length > 0) {
        const change = [...missing.map((name) => `+${name}`), ...extra.map((name) => `-${name}`)].join(' ');
        return {
            due: true,
            current,
            status: { ...base, ...known, reason: `due: domains changed in the manifest (${change})` },
        };
    }
    if (current.keyLost) {
        return {
            due: true,
            current,
            status: {
                ...base,
                ...known,
                reason: `due: certificate ${current.serial} was recovered without its private key`,
            },
        };
    }
    if (current.directoryUrl !== spec.ca.directoryUrl) {
        return {
            due: true,
            current,
            status: {
                ...base,
                ...known,
                reason: `due: the manifest moved to another CA (${spec.ca.directoryUrl})`,
            },
        };
    }
    const { ari, withoutAriReason } = await checkRenewalInfo(context, spec, current, now);
    const decision = decideRenewal({
        withoutAriReason,
        storedWindow: current.ari?.suggestedWindow
            ? {
                start: new Date(current.ari.suggestedWindow.start),
                end: new Date(current.ari.suggestedWindow.end),
            }
            : undefined,
        now,
        notBefore: known.notBefore,
        notAfter: known.notAfter,
        ari: ari?.suggestedWindow && !ari.error
            ? {
                window: {
                    start: new Date(ari.suggestedWindow.start),
                    end: new Date(ari.suggestedWindow.end),
                },
                retryAfter: ari.retryAfter ? new Date(ari.retryAfter) : undefined,
            }
            : undefined,
        storedChosenTime: current.ari?.chosenRenewalTime
            ? new Date(current.ari.chosenRenewalTime)
            : undefined,
        intervalToNextRunMs: context.settings.intervalToNextRunMs,
        random: context.random,
    });
    const ariUpdate = ari
        ? {
            ...ari,
            chosenRenewalTime: decision.chosenRenewalTime?.toISOString() ?? ari.chosenRenewalTime,
        }
        : undefined;
    const status = {
        ...base,
        ...known,
        outcome: decision.due ? 'due' : 'not-due',
        reason: decision.explanation,
        renewAt: decision.renewAt,
        suggestedWindow: ari?.suggestedWindow
            ? { start: new Date(ari.suggestedWindow.start), end: new Date(ari.suggestedWindow.end) }
            : undefined,
        explanationUrl: ari?.explanationUrl,
    };
    return {
        due: decision.due,
        current,
        status,
        ariUpdate: worthCommitting(current.ari, ariUpdate, now) ? ariUpdate : undefined,
    };
}
/**
 * Asks the CA for the suggested window (RFC 9773 section 4.1), or reuses the stored
 * result while its Retry-After has not passed. Returns no state when ARI does not
 * apply. Failures are kept in the state and logged, never taken as "not due".
 */
async function checkRenewalInfo(context, spec, current, now) {
    if (!spec.ari)
        return { withoutAriReason: 'the manifest sets ari: false' };
    if (!current.certId) {
        const reason = `certificate ${current.serial} has no Authority Key Identifier, so it has no certID`;
        context.logger.info(`${spec.name}: ${reason}; using the lifetime rule instead of ARI`);
        return { withoutAriReason: reason };
    }
    const stored = current.ari;
    const honourRetryAfter = !context.settings.refreshAri;
    if (honourRetryAfter &&
        stored?.suggestedWindow &&
        stored.retryAfter &&
        new Date(stored.retryAfter) > now &&
        !stored.error) {
        return { ari: stored };
    }
    if (honourRetryAfter && stored?.error && stored.retryAfter && new Date(stored.retryAfter) > now) {
        context.logger.info(`${spec.name}: renewalInfo failed before (${stored.error.message}); next attempt after ${stored.retryAfter}`);
        return stored.suggestedWindow
            ? { ari: stored }
            : { withoutAriReason: `renewalInfo failed: ${stored.error.message}` };
    }
    const directory = await context.directory(spec.ca.directoryUrl);
    if (!directory.renewalInfo) {
        const reason = 'the CA directory has no renewalInfo, so the CA has no ARI';
        context.logger.info(`${spec.name}: ${reason}; using the lifetime rule`);
        return { withoutAriReason: reason };
    }
    const failedAttempts = stored?.error?.attempts ?? 0;
    const answer = await fetchRenewalInfo(context.http, directory.renewalInfo, current.certId, now, {
        failedAttempts,
    });
    if (!answer.ok) {
        context.logger.warning(`${spec.name}: renewalInfo for ${current.certId} failed: ${answer.message}; ` +
            `using the lifetime rule until the next attempt after ${answer.nextAttemptAt.toISOString()}`);
        const failed = {
            ...(stored ?? {}),
            checkedAt: now.toISOString(),
            retryAfter: answer.nextAttemptAt.toISOString(),
            error: {
                message: answer.message,
                at: now.toISOString(),
                lasting: answer.lasting,
                attempts: failedAttempts + 1,
            },
        };
        // The failure is kept for the backoff, but its stale window does not decide anything.
        return { ari: failed, withoutAriReason: `renewalInfo failed: ${answer.message}` };
    }
    const window = {
        start: answer.suggestedWindow.start.toISOString(),
        end: answer.suggestedWindow.end.toISOString(),
    };
    const sameWindow = stored?.suggestedWindow?.start === window.start && stored.suggestedWindow.end === window.end;
    return {
        ari: {
            checkedAt: now.toISOString(),
            suggestedWindow: window,
            explanationUrl: answer.explanationUrl,
            retryAfter: answer.retryAfter.toISOString(),
            // A new window discards the moment chosen inside the old one (RFC 9773 section 4.2).
            chosenRenewalTime: sameWindow ? stored?.chosenRenewalTime : undefined,
        },
    };
}
/**
 * Commits ARI state when the window, the chosen moment or the failure count changed,
 * or when the stored Retry-After has passed and a new one was received. That is at
 * most one commit per Retry-After period, so later runs honour it and the backoff grows.
 */
function worthCommitting(previous, next, now) {
    if (!next)
        return false;
    if (!previous)
        return true;
    const retryAfterPassed = previous.retryAfter === undefined || new Date(previous.retryAfter) <= now;
    return (previous.suggestedWindow?.start !== next.suggestedWindow?.start ||
        previous.suggestedWindow?.end !== next.suggestedWindow?.end ||
        previous.chosenRenewalTime !== next.chosenRenewalTime ||
        previous.error?.attempts !== next.error?.attempts ||
        (retryAfterPassed && previous.retryAfter !== next.retryAfter));
}

;// CONCATENATED MODULE: external "node:dns"
const external_node_dns_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");
;// CONCATENATED MODULE: ./lib/dns/propagation.js



/** Raised when some TXT values are still missing at some servers when the wait ends. */
class PropagationTimeoutError extends Error {
    missing;
    constructor(message, 
    /** Missing values per server address. */
    missing) {
        super(message);
        this.missing = missing;
        this.name = 'PropagationTimeoutError';
    }
}
const DEFAULT_INITIAL_DELAY_MS = 250;
const DEFAULT_MAX_DELAY_MS = 5000;
/**
 * Polls each server for the TXT records at `name` until every value in `values` is
 * visible at every server. The first check is immediate and the pause between checks
 * grows exponentially up to `maxDelayMs`. Throws PropagationTimeoutError listing the
 * missing values per server when `timeoutMs` runs out.
 */
async function waitForTxt(name, values, options) {
    if (options.servers.length === 0) {
        throw new Error(`Cannot check propagation of ${name}: no DNS server to ask. Set nameservers in the manifest.`);
    }
    const started = Date.now();
    const deadline = started + options.timeoutMs;
    const pending = new Map(options.servers.map((server) => [server, { missing: [...values] }]));
    let delay = options.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS;
    for (let check = 1;; check++) {
        await Promise.all([...pending].map(([server, state]) => checkServer(name, values, server, state, deadline)));
        for (const [server, state] of pending) {
            if (state.missing.length > 0)
                continue;
            pending.delete(server);
            options.logger?.debug(`${name}: all ${values.length} TXT value(s) visible at ${server} after ${Date.now() - started} ms (check ${check})`);
        }
        if (pending.size === 0)
            return;
        const remaining = deadline - Date.now();
        if (remaining <= 0)
            throw timeoutError(name, options.timeoutMs, pending);
        options.logger?.debug(`${name}: ${describePending(pending)}; next check in ${Math.min(delay, remaining)} ms`);
        await (0,external_node_timers_promises_namespaceObject.setTimeout)(Math.min(delay, remaining));
        delay = Math.min(delay * 2, options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
    }
}
async function checkServer(name, values, server, state, deadline) {
    const timeoutMs = Math.max(1, Math.min(DEFAULT_DNS_TIMEOUT_MS, deadline - Date.now()));
    try {
        const found = await lookupTxt(name, server, { timeoutMs, udpAttempts: 1 });
        state.missing = values.filter((value) => !found.includes(value));
        delete state.lastError;
    }
    catch (error) {
        state.lastError = client_describe(error);
    }
}
function describePending(pending) {
    return [...pending]
        .map(([server, state]) => {
        const values = state.missing.map((value) => `"${value}"`).join(', ');
        const lastError = state.lastError ? ` (last query failed: ${state.lastError})` : '';
        return `missing at ${server}: ${values}${lastError}`;
    })
        .join('; ');
}
function timeoutError(name, timeoutMs, pending) {
    const missing = Object.fromEntries([...pending].map(([server, state]) => [server, state.missing]));
    return new PropagationTimeoutError(`DNS propagation of ${name} timed out after ${timeoutMs / 1000} s: ${describePending(pending)}. ` +
        'Check that the DNS provider writes to the zone these servers serve, or raise its propagation timeout.', missing);
}

;// CONCATENATED MODULE: ./lib/dns/challenge.js





const DEFAULT_PROPAGATION_TIMEOUT_MS = 120_000;
/**
 * Writes every challenge value, waits until all are visible at the authoritative
 * servers, and returns the clean-up function. Values for one owner name are written
 * one at a time, so an apex and its wildcard coexist. Distinct names go in parallel.
 * When `_acme-challenge.<domain>` is a CNAME (or `challengeAlias` is set) the TXT is
 * written at the target, through `targetProvider` when one is given. On failure
 * everything written is removed before the error is raised. The clean-up function
 * removes exactly the values this call wrote, each through the provider that wrote
 * it, logs failures as warnings and never throws.
 */
async function presentChallenges(records, provider, options) {
    const { logger } = options;
    if (records.length === 0)
        return async () => undefined;
    const resolver = await chooseResolver(records, provider, options);
    const own = { provider, zone: options.zone, nameservers: options.nameservers };
    const delegated = options.targetProvider
        ? {
            provider: options.targetProvider,
            zone: options.targetZone,
            nameservers: options.targetNameservers,
        }
        : own;
    const targets = await resolveTargets(records, resolver, options.challengeAlias, {
        own,
        delegated,
    });
    const written = [];
    const cleanUp = createCleanUp(written, logger);
    try {
        await presentAll(targets, written, logger);
        await Promise.all(targets.map((target) => waitUntilVisible(target, resolver, options)));
    }
    catch (error) {
        await cleanUp();
        throw error;
    }
    return cleanUp;
}
async function chooseResolver(records, provider, options) {
    if (options.resolver)
        return { server: options.resolver, query: {} };
    const first = records[0];
    let authoritative = [];
    if (options.targetProvider) {
        // The certificate's own provider may have no credentials when its names are
        // delegated, so the CNAME is looked up at the certificate's nameservers instead.
        authoritative = options.nameservers ?? [];
    }
    else if (first && provider.authoritativeServers) {
        authoritative = await provider.authoritativeServers(first);
    }
    if (authoritative[0])
        return { server: authoritative[0], query: {} };
    // NOTE: only the system's first resolver is asked, so a resolver that is down fails the lookup.
    const system = (0,external_node_dns_namespaceObject.getServers)()[0];
    if (!system)
        throw new Error(`${provider.name}: no DNS resolver is configured on this machine, and one is needed to look up CNAME and NS records. Add a nameserver line to /etc/resolv.conf.`);
    return {
        server: formatServerAddress(parseServerAddress(system)),
        query: { recursionDesired: true },
    };
}
/**
 * Groups the records by the owner name they are written at. A name that any record
 * was delegated to goes through the `delegated` route, every other name through `own`.
 */
async function resolveTargets(records, resolver, challengeAlias, routes) {
    const alias = challengeAlias === undefined ? undefined : names_normalizeDnsName(challengeAlias);
    const byName = new Map();
    for (const record of records) {
        const name = names_normalizeDnsName(record.name);
        const chain = alias ? [name, alias] : await followCnames(name, resolver.server, resolver.query);
        const targetName = chain[chain.length - 1];
        const target = byName.get(targetName) ?? {
            name: targetName,
            delegatedFrom: [],
            values: [],
            route: routes.own,
        };
        byName.set(targetName, target);
        if (targetName !== name && !target.delegatedFrom.includes(name)) {
            target.delegatedFrom.push(name);
            target.route = routes.delegated;
        }
        if (!target.values.includes(record.value))
            target.values.push(record.value);
    }
    return [...byName.values()];
}
async function presentAll(targets, written, logger) {
    const results = await Promise.allSettled(targets.map(async (target) => {
        const { provider } = target.route;
        // One value at a time per name, because some provider APIs replace the whole record set.
        for (const value of target.values) {
            const record = { name: target.name, value };
            // Recorded before the write, because a write that timed out may still have been applied.
            written.push({ record, provider });
            await provider.present(record);
        }
        const delegation = target.delegatedFrom.length > 0 ? ` (CNAME from ${target.delegatedFrom.join(', ')})` : '';
        logger.info(`${provider.name}: added ${target.values.length} TXT value(s) at ${target.name}${delegation}`);
    }));
    const failures = results.flatMap((result) => result.status === 'rejected' ? [result.reason] : []);
    if (failures.length === 1)
        throw failures[0];
    if (failures.length > 1)
        throw new Error(failures.map(client_describe).join('\n'));
}
async function waitUntilVisible(target, resolver, options) {
    const servers = await propagationServers(target, resolver);
    const timeoutMs = options.propagationTimeoutMs ??
        target.route.provider.propagationTimeoutMs ??
        DEFAULT_PROPAGATION_TIMEOUT_MS;
    options.logger.info(`${target.name}: waiting up to ${timeoutMs / 1000} s for ${target.values.length} TXT value(s) at ${servers.join(', ')}`);
    await waitForTxt(target.name, target.values, {
        servers,
        timeoutMs,
        initialDelayMs: options.initialDelayMs,
        logger: options.logger,
    });
    options.logger.info(`${target.name}: TXT value(s) visible at every server`);
}
/** Servers to check: the route's manifest list, else its provider's, else the zone's NS set. */
async function propagationServers(target, resolver) {
    const { provider, nameservers } = target.route;
    if (nameservers && nameservers.length > 0)
        return nameservers;
    const record = { name: target.name, value: target.values[0] ?? '' };
    const fromProvider = provider.authoritativeServers
        ? await provider.authoritativeServers(record)
        : [];
    if (fromProvider.length > 0)
        return fromProvider;
    const routeZone = target.route.zone;
    const manifestZone = routeZone === undefined ? undefined : names_normalizeDnsName(routeZone);
    const zone = manifestZone && isInZone(target.name, manifestZone)
        ? manifestZone
        : await findZone(target.name, resolver.server, resolver.query);
    return zoneNameserverAddresses(zone, resolver.server, resolver.query);
}
function createCleanUp(written, logger) {
    let done = false;
    return async () => {
        if (done)
            return;
        done = true;
        const byName = new Map();
        for (const entry of written)
            byName.set(entry.record.name, [...(byName.get(entry.record.name) ?? []), entry]);
        await Promise.all([...byName.values()].map(async (recordsAtName) => {
            for (const { record, provider } of recordsAtName) {
                try {
                    await provider.cleanUp(record);
                    logger.debug(`${provider.name}: removed TXT value at ${record.name}`);
                }
                catch (error) {
                    logger.warning(`${provider.name}: failed to remove a TXT value at ${record.name} (${client_describe(error)}). Remove it by hand.`);
                }
            }
        }));
    };
}
/**
 * Wraps a provider so that `create` runs on the first write. With a target provider,
 * the certificate's own provider writes only names that are not delegated, so its
 * settings and credentials are needed only when such a name exists.
 */
function createProviderOnFirstUse(name, create) {
    let created;
    const provider = () => (created ??= create());
    return {
        name,
        present: async (record) => provider().present(record),
        // A provider that was never created wrote nothing, so there is nothing to remove.
        cleanUp: async (record) => created?.cleanUp(record),
        authoritativeServers: async (record) => (await provider().authoritativeServers?.(record)) ?? [],
        get propagationTimeoutMs() {
            return created?.propagationTimeoutMs;
        },
    };
}

;// CONCATENATED MODULE: ./lib/renew/helpers.js



let commitQueue = Promise.resolve();
/**
 * Applies `change` to the lineage of `name` and commits it. Commits from one process
 * go one at a time, so concurrent certificates do not race each other for the branch.
 * In dry-run mode nothing is committed and undefined is returned.
 */
async function commitLineage(context, name, message, change, files) {
    if (context.settings.dryRun)
        return undefined;
    const run = async () => {
        const info = await context.store.update(name, (current) => ({ lineage: change(current ?? emptyLineage(name)), files }), message);
        return { sha: info.commit, url: info.url };
    };
    const next = commitQueue.then(run, run);
    commitQueue = next.catch(() => undefined);
    return next;
}
/**
 * DNS-01 solver for `spec`: its provider, zone and propagation settings. With
 * `dns.aliasDns`, delegated names go through the provider `aliasDns` names, and the
 * certificate's own provider is created only when a name is not delegated.
 */
function solverFor(context, spec) {
    const { aliasDns } = spec.dns;
    const createOwn = () => createDnsProvider(spec.dns, context.env, context.logger);
    const provider = aliasDns ? createProviderOnFirstUse(spec.dns.provider, createOwn) : createOwn();
    const targetProvider = aliasDns
        ? createDnsProvider(aliasDns, context.env, context.logger)
        : undefined;
    return (records) => presentChallenges(records, provider, {
        logger: context.logger,
        zone: spec.dns.zone,
        nameservers: spec.dns.nameservers,
        challengeAlias: spec.dns.challengeAlias,
        targetProvider,
        targetZone: aliasDns?.zone,
        targetNameservers: aliasDns?.nameservers,
    });
}

;// CONCATENATED MODULE: ./lib/acme/refusal.js

// Boulder and Pebble: `... which already has a replacement order`. Other CAs word it
// as "already been replaced".
const ALREADY_REPLACED_DETAIL = /already has a replacement order|already been replaced/i;
// Boulder and Pebble: "requester account did not request the certificate being
// replaced by this order". A certID built from a wrong serial can also read as a
// certificate that "does not belong to this account".
const ACCOUNT_DETAIL = /did not request the certificate|requester account|belong to this account/i;
// Boulder: an Authority Key Identifier that matches none of its issuers, or a serial
// it never issued. Pebble reports the unknown serial as serverInternal.
const CA_DETAIL = /authority key identifier|\baki\b|issuer|serial|certificate .*not found/i;
// Pebble 2.10: "parsing ARI CertID failed: ... no known issuer matches the provided
// Authority Key Identifier".
const UNKNOWN_ISSUER_DETAIL = /authority key identifier|\bissuer\b/i;
const MENTIONS_REPLACES = /replace|\bcertid\b/i;
/**
 * Classifies the problem document of a newOrder request that carried `replaces`.
 * Returns null when the rejection has nothing to do with `replaces` (rate limits,
 * bad nonces, server errors), so the caller handles it like any failed order.
 *
 * Servers disagree on the shape of the same refusal: RFC 9773 and Pebble 2.10 send
 * 409 alreadyReplaced, Boulder from 2024-03 to 2025-03 sent 409 conflict, Pebble 2.6
 * to 2.9 409 malformed, and some other CAs 400 malformed. The type may come with or
 * without the `urn:ietf:params:acme:error:` prefix.
 */
function classifyReplacesRefusal(problem) {
    const type = shortProblemType(problem.type) ?? '';
    const detail = problem.detail ?? '';
    if (ALREADY_REPLACED_DETAIL.test(detail))
        return 'already-replaced';
    if (problem.status === 409)
        return classifyConflict(type, detail);
    if (problem.status === 403 && type === 'unauthorized' && ACCOUNT_DETAIL.test(detail)) {
        return 'account-changed';
    }
    if (problem.status === 404 && (type === 'malformed' || type === 'notFound')) {
        return CA_DETAIL.test(detail) || detail === '' ? 'ca-changed' : null;
    }
    if (problem.status === 500 && type === 'serverInternal' && isUnknownSerial(detail)) {
        return 'ca-changed';
    }
    if (problem.status === 400 && type === 'malformed')
        return classifyMalformed(detail);
    return null;
}
function classifyConflict(type, detail) {
    if (type === 'alreadyReplaced')
        return 'already-replaced';
    // newOrder has no other documented 409, so a conflict without a detail is taken as
    // the old Boulder form. A conflict whose detail is about something else (a key
    // already in use, say) is not a refusal of `replaces`.
    const oldForm = type === 'conflict' || type === 'malformed';
    if (oldForm && (detail === '' || MENTIONS_REPLACES.test(detail)))
        return 'already-replaced';
    return null;
}
function classifyMalformed(detail) {
    if (UNKNOWN_ISSUER_DETAIL.test(detail))
        return 'ca-changed';
    return MENTIONS_REPLACES.test(detail) ? 'replaces-unsupported' : null;
}
// Pebble answers 500 serverInternal when it finds no certificate for the serial in
// `replaces`, for example a serial whose leading 0x00 sign byte it does not strip.
// Other 500s are real server failures and must not disable `replaces`.
function isUnknownSerial(detail) {
    return /(could not find|not found|no such|unknown)\b.*\b(serial|certificate)/i.test(detail);
}

;// CONCATENATED MODULE: ./lib/acme/order.js



const IP_ADDRESS = /^[0-9.]+$|:/;
/** Maps manifest domains to ACME identifiers (RFC 8555 section 9.7.7, RFC 8738 for IPs). */
function identifiersFor(domains) {
    return domains.map((value) => ({ type: IP_ADDRESS.test(value) ? 'ip' : 'dns', value }));
}
/**
 * Sends newOrder (RFC 8555 section 7.4). With `replaces` set, server errors are not
 * retried, because some servers return 500 for a `replaces` they cannot resolve, and
 * the caller must classify that refusal itself.
 */
async function placeOrder(session, request) {
    const payload = { identifiers: request.identifiers };
    if (request.profile)
        payload.profile = request.profile;
    if (request.replaces)
        payload.replaces = request.replaces;
    const response = await session.post('newOrder', session.directory.newOrder, payload, {
        retryServerErrors: request.replaces === undefined,
    });
    const location = response.headers.location;
    if (!location) {
        throw new Error(`newOrder at ${session.directory.newOrder} returned HTTP ${response.status} without a Location header`);
    }
    return toOrder(location, response);
}
/** Fetches an order with POST-as-GET (RFC 8555 section 6.3). */
async function fetchOrder(session, url) {
    return toOrder(url, await session.post('fetching order', url, null));
}
/** Sends the CSR to the order's finalize URL (RFC 8555 section 7.4). `csrDer` is the DER CSR. */
async function finalizeOrder(session, order, csrDer) {
    // Not retried here: a finalization whose response was lost may have been applied, and
    // a blind retry then fails with orderNotReady. The caller fetches the order instead.
    const response = await session.post('finalizing order', order.finalize, { csr: csrDer.toString('base64url') }, { retryServerErrors: false });
    return toOrder(order.url, response);
}
/** Downloads the PEM certificate chain of a valid order (RFC 8555 section 7.4.2). */
async function downloadCertificate(session, order) {
    if (!order.certificate)
        throw new Error(`Order ${order.url} is valid but names no certificate URL`);
    const response = await session.post('downloading certificate', order.certificate, null);
    const body = typeof response.data === 'string'
        ? response.data
        : Buffer.from(response.data).toString('utf8');
    if (!body.includes('-----BEGIN CERTIFICATE-----')) {
        throw new Error(`The CA returned no PEM certificate chain at ${order.certificate}`);
    }
    return body;
}
/**
 * Polls the order until it leaves `pending`/`processing` (or reaches `ready` when
 * `untilReady`), honouring Retry-After in seconds and as an HTTP date. Ends with a
 * timeout error stating that the order is kept for the next run.
 */
async function waitForOrder(session, order, options) {
    const settled = options.untilReady
        ? ['ready', 'valid', 'invalid']
        : ['valid', 'invalid'];
    return pollStatus(async () => {
        const response = await session.post('fetching order', order.url, null);
        return { value: toOrder(order.url, response), retryAfter: response.headers['retry-after'] };
    }, (current) => settled.includes(current.status), (current) => `order ${order.url} is still ${current.status}`, options);
}
/**
 * Generic poller: calls `fetch` until `done` holds, sleeping for the server's
 * Retry-After (clamped to 1..60 s) or a growing default between attempts.
 */
async function pollStatus(fetch, done, describeWaiting, options) {
    const wait = options.sleep ?? sleep;
    const now = options.now ?? (() => new Date());
    const startedAt = now().getTime();
    let fallbackDelay = options.defaultDelayMs ?? 1000;
    if (options.firstDelayMs)
        await wait(options.firstDelayMs);
    for (;;) {
        const { value, retryAfter } = await fetch();
        if (done(value))
            return value;
        const requested = parseRetryAfter(retryAfter, now());
        const delay = Math.min(60_000, Math.max(1000, requested ?? fallbackDelay));
        if (requested === undefined)
            fallbackDelay = Math.min(10_000, fallbackDelay * 2);
        const elapsed = now().getTime() - startedAt;
        if (elapsed + delay > options.timeoutMs) {
            throw new Error(`Timed out after ${Math.round(elapsed / 1000)} s: ${describeWaiting(value)}. ` +
                'The order is recorded in the lineage, so the next run resumes it.');
        }
        await wait(delay);
    }
}
/** Throws the order's own problem document when it became invalid. */
function assertOrderNotInvalid(order) {
    if (order.status !== 'invalid')
        return;
    throw new AcmeProblemError(`order ${order.url}`, order.url, order.error ?? { status: 0, detail: 'the order became invalid and the CA gave no error' });
}
function toOrder(url, response) {
    const data = response.data;
    if (!data || typeof data !== 'object' || typeof data.status !== 'string') {
        throw new Error(`The CA returned an order without a status at ${url}`);
    }
    return {
        url,
        status: data.status,
        expires: data.expires,
        identifiers: data.identifiers ?? [],
        authorizations: data.authorizations ?? [],
        finalize: data.finalize ?? '',
        certificate: data.certificate,
        profile: data.profile,
        replaces: data.replaces,
        error: data.error,
    };
}

;// CONCATENATED MODULE: ./lib/acme/authorizations.js


/**
 * Wait before the first authorization poll. A CA that validates within it is seen at
 * once; otherwise the CA's Retry-After sets the next wait.
 */
const FIRST_POLL_DELAY_MS = 100;
/**
 * Satisfies every authorization of an order with DNS-01 (RFC 8555 section 8.4).
 * Authorizations that are already valid are skipped. Records are cleaned up
 * in every case, also when validation fails.
 */
async function authorizeOrder(session, order, solve, logger, poll) {
    const authorizations = await Promise.all(order.authorizations.map((url) => fetchAuthorization(session, url)));
    const pending = [];
    for (const authorization of authorizations) {
        const label = describeIdentifier(authorization);
        if (authorization.status === 'valid') {
            logger.info(`authorization for ${label} is already valid; reusing it`);
            continue;
        }
        if (authorization.status !== 'pending') {
            throw new Error(`Authorization for ${label} is ${authorization.status} at ${authorization.url}; place a new order`);
        }
        pending.push(await dnsChallengeFor(session, authorization));
    }
    if (pending.length === 0)
        return;
    const cleanUp = await solve(pending.map((item) => item.record));
    try {
        for (const item of pending) {
            await session.post(`responding to the challenge for ${describeIdentifier(item.authorization)}`, item.challengeUrl, {});
        }
        const afterResponse = { ...poll, firstDelayMs: FIRST_POLL_DELAY_MS };
        await Promise.all(pending.map((item) => waitForAuthorization(session, item.authorization, afterResponse)));
    }
    finally {
        await cleanUp();
    }
}
async function dnsChallengeFor(session, authorization) {
    const label = describeIdentifier(authorization);
    const challenge = authorization.challenges.find((candidate) => candidate.type === 'dns-01');
    if (!challenge) {
        const offered = authorization.challenges.map((candidate) => candidate.type).join(', ') || 'none';
        throw new Error(`The CA offers no dns-01 challenge for ${label} (offered: ${offered}). ` +
            'acme-lineage validates with DNS-01 only; IP address identifiers need http-01 or tls-alpn-01.');
    }
    // RFC 8555 section 8.4: the TXT value is base64url(SHA-256(key authorization)).
    const value = await session.client.getChallengeKeyAuthorization(challenge);
    return {
        authorization,
        challengeUrl: challenge.url,
        record: { name: `_acme-challenge.${authorization.identifier.value}`, value },
    };
}
async function fetchAuthorization(session, url) {
    const response = await session.post('fetching authorization', url, null);
    return { ...response.data, url };
}
async function waitForAuthorization(session, authorization, poll) {
    const label = describeIdentifier(authorization);
    const final = await pollStatus(async () => {
        const response = await session.post('fetching authorization', authorization.url, null);
        return {
            value: { ...response.data, url: authorization.url },
            retryAfter: response.headers['retry-after'],
        };
    }, (current) => current.status !== 'pending', (current) => `authorization for ${label} is still ${current.status}`, poll);
    if (final.status === 'valid')
        return;
    const failed = final.challenges.find((challenge) => challenge.error);
    throw new AcmeProblemError(`DNS-01 validation of ${label}`, authorization.url, failed?.error ?? { status: 0, detail: `the authorization became ${final.status}` });
}
function describeIdentifier(authorization) {
    return authorization.wildcard
        ? `*.${authorization.identifier.value}`
        : authorization.identifier.value;
}

;// CONCATENATED MODULE: ./lib/renew/complete-order.js



/**
 * Drives an order from whatever status it has to `valid` (RFC 8555 section 7.1.6):
 * pending → solve DNS-01, ready → finalize with a fresh key, processing → wait,
 * valid → download, invalid → throw the order's problem document.
 */
async function completeOrder(session, order, spec, solve, logger, timeoutMs) {
    const poll = { timeoutMs };
    let current = order;
    let privateKeyPem;
    if (current.status === 'pending') {
        await authorizeOrder(session, current, solve, logger, poll);
        current = await waitForOrder(session, current, { ...poll, untilReady: true });
    }
    assertOrderNotInvalid(current);
    if (current.status === 'ready') {
        privateKeyPem = await createPrivateKey(spec.keyType);
        const csr = await createCsrDer(spec.domains, privateKeyPem);
        current = await finalizeKeepingKey(session, current, csr);
    }
    if (current.status === 'processing' || current.status === 'ready') {
        current = await waitForOrder(session, current, {
            ...poll,
            firstDelayMs: privateKeyPem ? 100 : 0,
        });
    }
    assertOrderNotInvalid(current);
    if (current.status !== 'valid') {
        throw new Error(`Order ${current.url} ended in unexpected status ${current.status}`);
    }
    const chainPem = await downloadCertificate(session, current);
    return { order: current, chainPem, privateKeyPem };
}
/**
 * Finalizes the order. When the request fails, fetches the order to see whether the
 * CA applied it anyway (a lost response). The key in hand is then kept for it, instead
 * of being thrown away and a second certificate ordered later.
 */
async function finalizeKeepingKey(session, order, csr) {
    try {
        return await finalizeOrder(session, order, csr);
    }
    catch (error) {
        const after = await fetchOrder(session, order.url).catch(() => undefined);
        if (after && (after.status === 'processing' || after.status === 'valid'))
            return after;
        throw error;
    }
}

;// CONCATENATED MODULE: ./lib/renew/outputs.js



const outputs_PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
/**
 * Writes the certificate, its issuer chain, the full chain and the private key to
 * `<outputDirectory>/<name>/`. The key file is created with mode 0600 and the folder
 * with 0700, so only the runner's user reads them.
 */
async function writeIssuedFiles(outputDirectory, name, chainPem, privateKeyPem) {
    const directory = external_node_path_namespaceObject.join(outputDirectory, name);
    await (0,promises_namespaceObject.mkdir)(directory, { recursive: true, mode: 0o700 });
    await (0,promises_namespaceObject.chmod)(directory, 0o700);
    await keepOutOfGit(outputDirectory);
    const blocks = chainPem.match(outputs_PEM_CERTIFICATE) ?? [];
    const [leaf, ...issuers] = blocks;
    if (!leaf)
        throw new Error(`The chain downloaded for ${name} contains no PEM certificate`);
    const files = {
        directory,
        certificate: external_node_path_namespaceObject.join(directory, 'cert.pem'),
        chain: external_node_path_namespaceObject.join(directory, 'chain.pem'),
        fullchain: external_node_path_namespaceObject.join(directory, 'fullchain.pem'),
        privateKey: external_node_path_namespaceObject.join(directory, 'privkey.pem'),
    };
    await replaceFile(files.privateKey, privateKeyPem, 0o600);
    await replaceFile(files.certificate, `${leaf}\n`, 0o644);
    await replaceFile(files.chain, issuers.map((block) => `${block}\n`).join(''), 0o644);
    await replaceFile(files.fullchain, blocks.map((block) => `${block}\n`).join(''), 0o644);
    return files;
}
/**
 * Writes `content` to a new file beside `target` and renames it over `target`. Readers
 * never see half a file, and a symbolic link at `target` is replaced, not followed.
 */
async function replaceFile(target, content, mode) {
    const temporary = `${target}.${(0,external_node_crypto_namespaceObject.randomBytes)(6).toString('hex')}.tmp`;
    try {
        await (0,promises_namespaceObject.writeFile)(temporary, content, { mode, flag: 'wx' });
        await (0,promises_namespaceObject.rename)(temporary, target);
    }
    catch (error) {
        await (0,promises_namespaceObject.rm)(temporary, { force: true });
        throw error;
    }
}
/**
 * Puts a `.gitignore` of `*` in the output directory, so keys written inside a
 * repository (the command line's default is `./certificates`) are never committed by
 * a later `git add`.
 */
async function keepOutOfGit(outputDirectory) {
    await (0,promises_namespaceObject.writeFile)(external_node_path_namespaceObject.join(outputDirectory, '.gitignore'), '*\n', { flag: 'wx' }).catch((error) => {
        if (error.code !== 'EEXIST')
            throw error;
    });
}

;// CONCATENATED MODULE: ./lib/renew/record.js




/** Builds the lineage record of a certificate downloaded from `order`. */
function buildCertificateRecord(chainPem, order, context) {
    const identity = certificateIdentity(chainPem);
    const record = {
        serial: identity.serialHex,
        certId: identity.certId,
        authorityKeyId: identity.authorityKeyId ? identity.authorityKeyId.toString('hex') : null,
        identifiers: order.identifiers.map((identifier) => identifier.value),
        notBefore: identity.notBefore.toISOString(),
        notAfter: identity.notAfter.toISOString(),
        issuer: identity.issuer,
        directoryUrl: context.directoryUrl,
        accountUrl: context.accountUrl,
        orderUrl: order.url,
        replaces: context.replaces,
        issuedAt: context.now.toISOString(),
        chainFile: `${identity.serialHex}.pem`,
    };
    if (order.profile)
        record.profile = order.profile;
    if (context.keyLost)
        record.keyLost = true;
    return record;
}
/** Records a valid order's certificate in the lineage and writes its files. */
async function recordCompletedOrder(context, session, spec, completed, replaces) {
    // The files are written before the record is committed. Once the lineage names the
    // certificate, later runs take it as in force, so a key that never reached the output
    // directory is recorded as lost to make the next run renew it.
    let files;
    let writeError;
    if (completed.privateKeyPem) {
        try {
            files = await writeIssuedFiles(context.settings.outputDirectory, spec.name, completed.chainPem, completed.privateKeyPem);
        }
        catch (error) {
            writeError = error;
        }
    }
    const record = buildCertificateRecord(completed.chainPem, completed.order, {
        directoryUrl: session.directoryUrl,
        accountUrl: session.accountUrl,
        replaces,
        now: context.now(),
        keyLost: files === undefined,
    });
    const commit = await commitLineage(context, spec.name, `Record certificate ${record.serial} for ${spec.name}`, (current) => recordIssued(clearPendingOrder(current, completed.order.url), record), { [record.chainFile]: completed.chainPem });
    if (writeError !== undefined) {
        const reason = writeError instanceof Error ? writeError.message : String(writeError);
        throw new Error(`certificate ${record.serial} was issued, but writing it to ${context.settings.outputDirectory} failed: ${reason}. ` +
            'The lineage records its key as lost, so the next run renews it; fix the output directory (permissions, free space) first.', { cause: writeError });
    }
    const verb = replaces ? `replacing ${replaces}` : 'without replaces';
    context.logger.info(`${spec.name}: issued certificate ${record.serial} (${verb}), valid until ${record.notAfter}`);
    return {
        commit,
        files,
        status: {
            name: spec.name,
            domains: spec.domains,
            outcome: 'renewed',
            reason: '',
            newSerial: record.serial,
            notBefore: new Date(record.notBefore),
            notAfter: new Date(record.notAfter),
            replaces,
        },
    };
}

;// CONCATENATED MODULE: ./lib/renew/forensics.js

/** Versions of a lineage read when looking for a lost replacement; older history is not searched. */
const MAX_VERSIONS = 200;
/**
 * Searches the history of the state branch for an order that replaced `certId`:
 * a journaled pending order or a recorded certificate that a later commit removed
 * (a run that died, a deleted file, a reverted commit). Only the git backend keeps
 * history this way; other stores return an empty result.
 */
async function findLostReplacement(store, name, certId) {
    if (!isGitStore(store))
        return {};
    const tip = await store.fetchState();
    if (!tip.commit)
        return {};
    let orderUrl;
    let read = 0;
    for await (const version of lineageVersions(tip, name)) {
        orderUrl = version.lineage ? orderReplacing(version.lineage, certId) : undefined;
        if (orderUrl || ++read >= MAX_VERSIONS)
            break;
    }
    if (!orderUrl)
        return {};
    const found = orderUrl;
    const dropped = await findCommitThatDropped(tip, name, (lineage) => orderReplacing(lineage, certId) === found);
    return {
        orderUrl,
        lostInCommit: dropped ? { sha: dropped.commit, subject: dropped.subject } : undefined,
    };
}
function orderReplacing(lineage, certId) {
    if (lineage.pendingOrder?.replaces === certId)
        return lineage.pendingOrder.orderUrl;
    return lineage.certificates.find((certificate) => certificate.replaces === certId)?.orderUrl;
}
function isGitStore(store) {
    return typeof store.fetchState === 'function';
}

;// CONCATENATED MODULE: ./lib/renew/recover.js






/**
 * Resumes an order that an earlier run journaled and never recorded. A `valid` order
 * is downloaded and recorded with its key marked as lost, because the key died with
 * that run, so the certificate is renewed next. A `ready` order is finalized with a
 * fresh key, a `pending` one is solved, and `invalid` or vanished orders are dropped.
 * Returns undefined when nothing was recovered.
 */
async function resumePendingOrder(context, spec, pending) {
    const { logger } = context;
    if (pending.directoryUrl !== spec.ca.directoryUrl) {
        logger.warning(`${spec.name}: dropping journaled order ${pending.orderUrl}: it belongs to another CA (${pending.directoryUrl})`);
        await dropJournal(context, spec.name, pending.orderUrl);
        return undefined;
    }
    const session = await context.session(spec.ca.directoryUrl);
    if (session.accountUrl !== pending.accountUrl) {
        logger.warning(`${spec.name}: dropping journaled order ${pending.orderUrl}: another account placed it`);
        await dropJournal(context, spec.name, pending.orderUrl);
        return undefined;
    }
    let order;
    try {
        order = await fetchOrder(session, pending.orderUrl);
    }
    catch (error) {
        if (error instanceof AcmeProblemError && error.problem.status === 404) {
            logger.warning(`${spec.name}: journaled order ${pending.orderUrl} no longer exists (${describeProblem(error.problem)}); dropping it`);
            await dropJournal(context, spec.name, pending.orderUrl);
            return undefined;
        }
        throw error;
    }
    const ordered = order.identifiers.map((identifier) => identifier.value).sort();
    const wanted = [...spec.domains].sort();
    if (ordered.join(' ') !== wanted.join(' ')) {
        logger.warning(`${spec.name}: dropping journaled order ${order.url}: it is for ${ordered.join(', ')}, ` +
            `but the manifest now lists ${wanted.join(', ')}`);
        await dropJournal(context, spec.name, pending.orderUrl, order.status === 'invalid' ? undefined : pending);
        return undefined;
    }
    const expired = order.expires !== undefined && new Date(order.expires) <= context.now();
    if (order.status === 'invalid' || (expired && order.status !== 'valid')) {
        logger.info(`${spec.name}: journaled order ${order.url} is ${expired ? 'expired' : 'invalid'}; dropping it`);
        await dropJournal(context, spec.name, pending.orderUrl);
        return undefined;
    }
    logger.info(`${spec.name}: resuming journaled order ${order.url} (status ${order.status})`);
    const completed = await completeOrder(session, order, spec, solverFor(context, spec), logger, context.settings.orderTimeoutMs);
    const recorded = await recordCompletedOrder(context, session, spec, completed, pending.replaces);
    const result = {
        ...recorded,
        status: {
            ...recorded.status,
            reason: `resumed order ${order.url} that an earlier run journaled`,
        },
    };
    if (!completed.privateKeyPem) {
        logger.warning(`${spec.name}: recovered certificate ${result.status.newSerial} from order ${order.url}, but its private key was lost with the run that finalized it; renewing it now`);
    }
    return result;
}
/**
 * Removes the write-ahead record. When the dropped order still counts as a replacement
 * at the CA, the replaced certificate is marked, so no later order names it again and
 * meets "already replaced".
 */
async function dropJournal(context, name, orderUrl, stillReplacing) {
    await commitLineage(context, name, `Drop the journaled order of ${name}`, (lineage) => {
        const cleared = clearPendingOrder(lineage, orderUrl);
        const replaced = stillReplacing?.replaces
            ? cleared.certificates.find((certificate) => certificate.certId === stillReplacing.replaces)
            : undefined;
        if (!replaced || replaced.replacedBy || !stillReplacing)
            return cleared;
        return markReplaced(cleared, replaced.serial, {
            at: context.now().toISOString(),
            orderUrl: stillReplacing.orderUrl,
        });
    });
}

;// CONCATENATED MODULE: ./lib/renew/replaces.js
/**
 * Decides whether a new order names `current` in `replaces` (RFC 9773 section 5).
 * All must be true. The CA has ARI and the manifest allows it. The old certificate
 * has a certID, came from this CA and this account, and shares an identifier with the
 * new order. It is not already replaced or blocked by an earlier rejection.
 */
function decideReplaces(spec, lineage, current, ca) {
    if (!current)
        return { omittedBecause: 'no earlier certificate in the lineage' };
    if (spec.replaces === 'never')
        return { omittedBecause: 'the manifest sets replaces: never' };
    if (!spec.ari)
        return { omittedBecause: 'the manifest sets ari: false' };
    if (!ca.hasRenewalInfo)
        return { omittedBecause: 'the CA directory has no renewalInfo, so the CA has no ARI' };
    if (!current.certId)
        return { omittedBecause: `certificate ${current.serial} has no Authority Key Identifier` };
    if (current.directoryUrl !== ca.directoryUrl) {
        return {
            omittedBecause: `certificate ${current.serial} came from another CA (${current.directoryUrl})`,
        };
    }
    if (current.accountUrl !== ca.accountUrl) {
        return {
            omittedBecause: `certificate ${current.serial} was ordered by another account (${current.accountUrl})`,
        };
    }
    if (!current.identifiers.some((identifier) => spec.domains.includes(identifier))) {
        return {
            omittedBecause: `certificate ${current.serial} shares no identifier with the new order`,
        };
    }
    if (current.replacedBy)
        return { omittedBecause: `certificate ${current.serial} is already replaced` };
    const block = lineage?.replacesBlocks?.find((candidate) => candidate.certId === current.certId);
    if (block)
        return {
            omittedBecause: `the CA rejected replaces for ${current.certId} before (${block.reason})`,
        };
    return { certId: current.certId };
}

;// CONCATENATED MODULE: ./lib/renew/issue.js










const BLOCK_REASON = {
    'already-replaced': 'already-replaced',
    'account-changed': 'account-changed',
    'ca-changed': 'ca-changed',
    'replaces-unsupported': 'no-ari',
};
/**
 * Orders, validates and records a new certificate for `spec`. The order URL is
 * committed before finalization (write-ahead), so a run that dies later leaves it
 * for the next run to recover.
 */
async function issueCertificate(context, spec, lineage, assessment) {
    // The DNS provider reads its credentials now, so a missing one fails the certificate
    // before an order is placed at the CA.
    const solve = solverFor(context, spec);
    const session = await context.session(spec.ca.directoryUrl);
    const offered = session.directory.meta?.profiles;
    if (spec.profile && offered && !Object.hasOwn(offered, spec.profile)) {
        throw new Error(`the CA offers no profile '${spec.profile}' (it offers: ${Object.keys(offered).join(', ') || 'none'}). ` +
            'Set profile in the manifest to one of them, or remove it to get the CA default.');
    }
    // Another run may have journaled an order since this run read the lineage; ordering
    // again would place a second replacement (RFC 9773 allows one).
    const fresh = await context.store.read(spec.name);
    const freshCurrent = fresh ? currentCertificate(fresh) : undefined;
    if (freshCurrent?.serial !== assessment.current?.serial) {
        throw new Error(`another run recorded certificate ${freshCurrent?.serial} while this run was deciding; this run orders nothing. ` +
            'Run one renewal at a time (a concurrency group in the workflow).');
    }
    if (fresh?.pendingOrder) {
        throw new Error(`another run journaled order ${fresh.pendingOrder.orderUrl} for this certificate while this run was deciding; ` +
            'this run leaves it to that run. Run one renewal at a time (a concurrency group in the workflow).');
    }
    const placed = await placeOrderFor(context, session, spec, lineage, assessment);
    if (placed.recovered)
        return placed.recovered;
    const order = placed.order;
    return withIncident(placed.incident, () => completePlacedOrder(context, session, spec, assessment, placed, order, solve));
}
/**
 * Runs `step` and, when it fails after a refusal of `replaces`, attaches the incident
 * to the error, so the operator still hears about the refusal. Without this, the run
 * that recorded the refusal and then failed would be the last to mention it: later
 * runs no longer send `replaces` and are never refused again.
 */
async function withIncident(incident, step) {
    try {
        return await step();
    }
    catch (error) {
        if (incident && error instanceof Error)
            error.incident = incident;
        throw error;
    }
}
/** Journals, validates, finalizes and records an order that was just placed. */
async function completePlacedOrder(context, session, spec, assessment, placed, order, solve) {
    await journalOrder(context, spec.name, {
        orderUrl: order.url,
        directoryUrl: session.directoryUrl,
        accountUrl: session.accountUrl,
        identifiers: spec.domains,
        profile: spec.profile,
        replaces: placed.replaces,
        startedAt: context.now().toISOString(),
    });
    const completed = await completeOrder(session, order, spec, solve, context.logger, context.settings.orderTimeoutMs);
    const result = await recordCompletedOrder(context, session, spec, completed, placed.replaces);
    if (placed.incident) {
        if (placed.incident.action.kind === 'recovered-journaled-order') {
            placed.incident.action.followUp = {
                serial: result.status.newSerial,
                orderUrl: order.url,
                replaces: placed.replaces,
            };
        }
        if (placed.incident.action.kind === 'none') {
            placed.incident.action = {
                kind: 'ordered-without-replaces',
                newSerial: result.status.newSerial,
                orderUrl: order.url,
            };
        }
        placed.incident.links.stateCommitUrl = result.commit?.url;
    }
    return {
        ...result,
        status: {
            ...result.status,
            currentSerial: assessment.current?.serial,
            reason: assessment.status.reason,
        },
        incident: placed.incident,
        renewedCleanly: !placed.incident,
    };
}
/**
 * Commits the write-ahead record of `pending`. When a concurrent run journaled its own
 * order first, the lineage keeps that one and this run stops with an explanation.
 * This run's order then stays unrecorded and expires at the CA.
 */
async function journalOrder(context, name, pending) {
    try {
        await commitLineage(context, name, `Journal order for ${name}`, (current) => journalPendingOrder(current, pending));
    }
    catch (error) {
        const lineage = await context.store.read(name);
        const other = lineage?.pendingOrder;
        if (!other || other.orderUrl === pending.orderUrl)
            throw error;
        throw new Error(`another run journaled order ${other.orderUrl} for this certificate at the same time; the lineage keeps that ` +
            `order and this run's order ${pending.orderUrl} is left to expire. Run one renewal at a time (a concurrency group in the workflow).`, { cause: error });
    }
}
/**
 * Places the order with `replaces` when RFC 9773's conditions hold. When the CA
 * rejects `replaces`, records why (so it is not sent again) and orders once more
 * without it, unless the manifest sets `on-already-replaced: fail`.
 */
async function placeOrderFor(context, session, spec, lineage, assessment) {
    const identifiers = identifiersFor(spec.domains);
    const current = assessment.current;
    const refused = lineage?.replacesBlocks?.find((block) => block.certId === current?.certId && block.reason === 'already-replaced');
    if (refused && current?.replacedBy?.unknownOrder && spec.onAlreadyReplaced === 'fail') {
        throw new Error(`the CA reported at ${refused.at} that certificate ${current.serial} already has a replacement order, and the ` +
            'manifest sets on-already-replaced: fail, so nothing is ordered until you apply a fix from the incident issue ' +
            'or set on-already-replaced: fallback');
    }
    const decision = decideReplaces(spec, lineage, current, {
        directoryUrl: session.directoryUrl,
        accountUrl: session.accountUrl,
        hasRenewalInfo: Boolean(session.directory.renewalInfo),
    });
    if (!decision.certId) {
        context.logger.info(`${spec.name}: ordering without replaces: ${decision.omittedBecause}`);
        return {
            order: await placeOrder(session, { identifiers, profile: spec.profile }),
            replaces: null,
        };
    }
    try {
        const order = await placeOrder(session, {
            identifiers,
            profile: spec.profile,
            replaces: decision.certId,
        });
        context.logger.info(`${spec.name}: ordered ${order.url} replacing ${decision.certId}`);
        return { order, replaces: decision.certId };
    }
    catch (error) {
        const kind = error instanceof AcmeProblemError ? classifyReplacesRefusal(error.problem) : null;
        if (!kind || !(error instanceof AcmeProblemError))
            throw error;
        return fallBackWithoutReplaces(context, session, spec, assessment, decision.certId, kind, error);
    }
}
async function fallBackWithoutReplaces(context, session, spec, assessment, certId, kind, error) {
    const now = context.now();
    const current = assessment.current;
    context.logger.warning(`${spec.name}: the CA rejected replaces=${certId}: ${describeProblem(error.problem)} (${kind})`);
    const lost = kind === 'already-replaced' ? await findLostReplacement(context.store, spec.name, certId) : {};
    const incident = {
        certificate: spec.name,
        cause: kind,
        problem: {
            status: error.problem.status,
            type: error.problem.type,
            detail: error.problem.detail,
        },
        at: now,
        lineage: { serial: current?.serial ?? '', certId, lostInCommit: lost.lostInCommit },
        action: { kind: 'none' },
        links: {},
        policy: spec.onAlreadyReplaced,
    };
    if (lost.orderUrl) {
        const recovered = await recoverLostOrder(context, session, spec, lost.orderUrl, certId, incident);
        if (recovered)
            return recovered;
    }
    await commitLineage(context, spec.name, `Record that the CA rejected replaces for ${spec.name}`, (lineage) => {
        let next = blockReplaces(lineage, {
            certId,
            reason: BLOCK_REASON[kind],
            at: now.toISOString(),
            detail: error.problem.detail,
        });
        const stillThere = current && next.certificates.find((certificate) => certificate.serial === current.serial);
        if (kind === 'already-replaced' && current && stillThere && !stillThere.replacedBy) {
            next = markReplaced(next, current.serial, { at: now.toISOString(), unknownOrder: true });
        }
        return next;
    });
    if (kind === 'already-replaced' && spec.onAlreadyReplaced === 'fail') {
        const failure = new Error(`${spec.name}: the CA reports that certificate ${current?.serial} already has a replacement order, ` +
            'and the manifest sets on-already-replaced: fail, so nothing was ordered');
        failure.incident = incident;
        throw failure;
    }
    const order = await withIncident(incident, () => placeOrder(session, { identifiers: identifiersFor(spec.domains), profile: spec.profile }));
    context.logger.info(`${spec.name}: ordered ${order.url} without replaces after the refusal`);
    return { order, replaces: null, incident };
}
/**
 * Resumes the order an older version of the lineage recorded as the replacement of
 * `certId`. When it yields a certificate with its key, that is this run's renewal.
 * When the key is lost, the recovered certificate joins the lineage and the new order
 * replaces it instead, which keeps the chain of `replaces` unbroken.
 */
async function recoverLostOrder(context, session, spec, orderUrl, certId, incident) {
    context.logger.info(`${spec.name}: the state history names order ${orderUrl} as the replacement of ${certId}; recovering it`);
    const pending = {
        orderUrl,
        directoryUrl: session.directoryUrl,
        accountUrl: session.accountUrl,
        identifiers: spec.domains,
        profile: spec.profile,
        replaces: certId,
        startedAt: context.now().toISOString(),
    };
    const recovered = await resumePendingOrder(context, spec, pending);
    if (!recovered)
        return undefined;
    incident.action = {
        kind: 'recovered-journaled-order',
        newSerial: recovered.status.newSerial,
        orderUrl,
    };
    if (recovered.files)
        return { recovered: { ...recovered, incident }, replaces: certId, incident };
    const lineage = await context.store.read(spec.name);
    const successor = lineage ? currentCertificate(lineage) : undefined;
    const identifiers = identifiersFor(spec.domains);
    if (successor?.certId) {
        try {
            const order = await placeOrder(session, {
                identifiers,
                profile: spec.profile,
                replaces: successor.certId,
            });
            context.logger.info(`${spec.name}: ordered ${order.url} replacing the recovered certificate ${successor.serial}`);
            return { order, replaces: successor.certId, incident };
        }
        catch (error) {
            if (!(error instanceof AcmeProblemError) || !classifyReplacesRefusal(error.problem))
                throw error;
            context.logger.warning(`${spec.name}: the CA rejected replaces=${successor.certId} too: ${describeProblem(error.problem)}`);
        }
    }
    const order = await placeOrder(session, { identifiers, profile: spec.profile });
    return { order, replaces: null, incident };
}

;// CONCATENATED MODULE: ./lib/renew/run.js






/** Builds the per-run context: one ACME account and one directory read per CA. */
function createRunContext(dependencies) {
    const sessions = new Map();
    const directories = new Map();
    const { settings, logger, http } = dependencies;
    const session = (directoryUrl) => {
        let opened = sessions.get(directoryUrl);
        if (!opened) {
            if (!settings.accountKeyPem) {
                return Promise.reject(new Error(missingAccountKeyMessage(directoryUrl)));
            }
            // Reading the directory with this product's HTTP client first turns a refused or
            // hanging connection into a clear error; acme-client reports it as a TypeError.
            opened = directory(directoryUrl).then(() => AcmeSession.open({
                directoryUrl,
                accountKeyPem: settings.accountKeyPem,
                externalAccountBinding: settings.externalAccountBinding,
                logger,
            }));
            // A failure is not kept: the next certificate at this CA tries again.
            opened.catch(() => sessions.delete(directoryUrl));
            sessions.set(directoryUrl, opened);
        }
        return opened;
    };
    const directory = (directoryUrl) => {
        let read = directories.get(directoryUrl);
        if (!read) {
            read = readDirectory(http, directoryUrl);
            read.catch(() => directories.delete(directoryUrl));
            directories.set(directoryUrl, read);
        }
        return read;
    };
    return {
        ...dependencies,
        now: dependencies.now ?? (() => new Date()),
        random: dependencies.random ?? Math.random,
        session,
        directory,
    };
}
/**
 * Processes every certificate of the manifest (or of the shard), `concurrency` at a
 * time. A failure in one certificate is logged and reported; the others go on.
 */
async function runCertificates(context) {
    // Parsing acme-client takes a few hundred milliseconds. Starting it now overlaps
    // that with reading lineages and renewal windows.
    if (context.settings.mode === 'renew' && !context.settings.dryRun)
        void loadAcmeLibrary().catch(() => undefined);
    const wanted = context.settings.onlyNames ? new Set(context.settings.onlyNames) : undefined;
    const specs = context.manifest.certificates.filter((spec) => !wanted || wanted.has(spec.name));
    const results = new Array(specs.length);
    let next = 0;
    const worker = async () => {
        while (next < specs.length) {
            const index = next++;
            const spec = specs[index];
            results[index] = await context.logger.group(`${spec.name}: ${spec.domains.join(', ')}`, () => processCertificate(context, spec));
        }
    };
    const workers = Math.max(1, Math.min(context.settings.concurrency, specs.length));
    await Promise.all(Array.from({ length: workers }, worker));
    return { results, failed: results.filter((result) => result.status.outcome === 'failed').length };
}
async function processCertificate(context, spec) {
    const { logger, settings } = context;
    const renewing = settings.mode === 'renew' && !settings.dryRun;
    try {
        let lineage = await context.store.read(spec.name);
        if (renewing && lineage?.pendingOrder) {
            const recovered = await resumePendingOrder(context, spec, lineage.pendingOrder);
            if (recovered?.files)
                return recovered;
            lineage = await context.store.read(spec.name);
        }
        const assessment = await assessCertificate(context, spec, lineage);
        logger.info(`${spec.name}: ${assessment.status.reason}`);
        if (!assessment.due || !renewing) {
            if (assessment.ariUpdate && renewing)
                await keepAriState(context, spec.name, assessment.current?.serial, assessment.ariUpdate);
            return { status: assessment.status };
        }
        return await issueCertificate(context, spec, lineage, assessment);
    }
    catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        logger.error(`${spec.name}: ${message}`);
        const incident = error.incident;
        if (incident && incident.action.kind !== 'none')
            incident.action = { kind: 'failed', error: message };
        return {
            status: {
                name: spec.name,
                domains: spec.domains,
                outcome: 'failed',
                reason: message,
                error: message,
            },
            incident,
        };
    }
}
/** Stores the renewalInfo result on the current certificate so the next run honours Retry-After and keeps the chosen moment. */
async function keepAriState(context, name, serial, ari) {
    // Matched by serial: when another run recorded a newer certificate meanwhile, this
    // window belongs to the old one and must not be pinned on the new one.
    await commitLineage(context, name, `Update renewal information of ${name}`, (lineage) => ({
        ...lineage,
        certificates: lineage.certificates.map((certificate) => certificate.serial === serial ? { ...certificate, ari } : certificate),
    }));
}
/** Reads the CA directory (RFC 8555 section 7.1.1) without an account; errors name the URL and the fix. */
async function readDirectory(http, directoryUrl) {
    const fix = 'Check the ca setting in the manifest and that the CA is reachable from this runner.';
    let response;
    try {
        response = await http.get(directoryUrl);
    }
    catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`Cannot read the ACME directory ${directoryUrl}: ${reason}. ${fix}`, {
            cause: error,
        });
    }
    if (response.status !== 200) {
        throw new Error(`Reading the ACME directory ${directoryUrl} returned HTTP ${response.status}. ${fix}`);
    }
    let body;
    try {
        body = JSON.parse(response.body);
    }
    catch {
        throw new Error(`The ACME directory ${directoryUrl} is not JSON. ${fix}`);
    }
    if (typeof body.newOrder !== 'string') {
        throw new Error(`${directoryUrl} is not an ACME directory: it lists no newOrder. ${fix}`);
    }
    return { renewalInfo: body.renewalInfo, profiles: body.meta?.profiles };
}
function missingAccountKeyMessage(directoryUrl) {
    return (`No ACME account key for ${directoryUrl}. Create one with ` +
        '`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out account-key.pem`, ' +
        'store the file content as a repository secret (for example ACME_ACCOUNT_KEY) and pass it as the ' +
        'account-key input (`account-key: ${{ secrets.ACME_ACCOUNT_KEY }}`), or to the command line with --account-key FILE. ' +
        'Keep the same key across runs: replaces only works for certificates ordered by the same account.');
}

;// CONCATENATED MODULE: ./lib/version.js
/** Product version, kept in step with package.json by the release script. */
const VERSION = '0.1.0';
/** User-Agent for every request to a CA (RFC 8555 section 6.1 requires clients to send one). */
function userAgent() {
    return `acme-lineage/${VERSION} (+https://github.com/acme-lineage/acme-lineage) node/${process.versions.node}`;
}

;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: ./lib/duration.js
const UNITS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/**
 * Parses a duration such as `90m`, `6h`, `1d` or `1h30m` into milliseconds.
 * Returns undefined for anything else, so callers can name the input in their error.
 */
function parseDuration(text) {
    const trimmed = text.trim();
    if (!/^(\d+[smhd])+$/.test(trimmed))
        return undefined;
    let total = 0;
    for (const match of trimmed.matchAll(/(\d+)([smhd])/g)) {
        total += Number(match[1]) * UNITS[match[2]];
    }
    return total;
}

;// CONCATENATED MODULE: ./lib/cli/args.js


const HELP = `Usage: acme-lineage <renew|plan|check> [options]

Renews the certificates of a manifest when their CA's ARI window (RFC 9773) or
their lifetime says so, and records their lineage on a git state branch.

Commands:
  renew    order every certificate that is due and commit the lineage
  plan     show what the next renew would do; orders and commits nothing
  check    like plan, and exits 1 when any certificate is due or failed

Options:
  --manifest FILE         manifest path (default .github/certificates.yml)
  --state PATH            git repository that holds the state branch (default .)
  --state-branch NAME     state branch (default acme-lineage)
  --account-key FILE      ACME account key, PEM (or ACME_ACCOUNT_KEY / ACME_ACCOUNT_KEY_FILE)
  --create-account-key    create the --account-key file when it does not exist
  --eab-key-id ID         external account binding key id (or ACME_EAB_KEY_ID)
  --output DIR            where certificates and keys are written (default ./certificates)
  --ca-certificates FILE  extra PEM roots to trust for the CA, for a private CA
  --interval DURATION     time to the next scheduled run, e.g. 6h or 90m (default 6h)
  --concurrency N         certificates processed at once (default 4)
  --order-timeout DURATION  longest wait for one order to settle (default 10m)
  --refresh-ari           ask the CA for renewal information now, even before the
                          Retry-After it sent last time (for runs started by hand)
  --dry-run               decide and log, order and commit nothing
  --debug                 log debug lines
  -h, --help              show this help

Secrets come from the environment, never from flags: ACME_EAB_HMAC_KEY, and the DNS
provider's variables (for RFC 2136: RFC2136_NAMESERVER, RFC2136_TSIG_KEY,
RFC2136_TSIG_SECRET, RFC2136_TSIG_ALGORITHM); each also as NAME_FILE.
`;
/** Raised for invalid command-line input; the message names the option and the fix. */
class UsageError extends Error {
}
/** Parses argv (without node and the script) into typed options, or returns 'help'. */
function parseCliArgs(argv) {
    let parsed;
    try {
        parsed = (0,external_node_util_namespaceObject.parseArgs)({
            args: argv,
            allowPositionals: true,
            options: {
                manifest: { type: 'string', default: '.github/certificates.yml' },
                state: { type: 'string', default: '.' },
                'state-branch': { type: 'string', default: 'acme-lineage' },
                'account-key': { type: 'string' },
                'create-account-key': { type: 'boolean', default: false },
                'eab-key-id': { type: 'string' },
                output: { type: 'string', default: './certificates' },
                'ca-certificates': { type: 'string' },
                interval: { type: 'string', default: '6h' },
                concurrency: { type: 'string', default: '4' },
                'order-timeout': { type: 'string', default: '10m' },
                'refresh-ari': { type: 'boolean', default: false },
                'dry-run': { type: 'boolean', default: false },
                debug: { type: 'boolean', default: false },
                help: { type: 'boolean', short: 'h', default: false },
            },
        });
    }
    catch (error) {
        throw new UsageError(`${error instanceof Error ? error.message : String(error)}. Run acme-lineage --help for the options.`);
    }
    const { values, positionals } = parsed;
    if (values.help)
        return 'help';
    const command = positionals[0];
    if (command !== 'renew' && command !== 'plan' && command !== 'check') {
        throw new UsageError(`Unknown or missing command '${command ?? ''}'. Expected renew, plan or check.`);
    }
    if (positionals.length > 1)
        throw new UsageError(`Unexpected argument '${positionals[1]}'.`);
    const concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
        throw new UsageError(`Invalid --concurrency '${values.concurrency}'. Expected a whole number from 1 to 64.`);
    }
    return {
        mode: command,
        manifest: values.manifest,
        state: values.state,
        stateBranch: values['state-branch'],
        accountKey: values['account-key'],
        createAccountKey: values['create-account-key'],
        eabKeyId: values['eab-key-id'],
        output: values.output,
        caCertificates: values['ca-certificates'],
        intervalMs: durationOption('--interval', values.interval),
        concurrency,
        orderTimeoutMs: durationOption('--order-timeout', values['order-timeout']),
        refreshAri: values['refresh-ari'],
        dryRun: values['dry-run'],
        debug: values.debug,
    };
}
function durationOption(name, text) {
    const value = parseDuration(text);
    if (value === undefined || value <= 0) {
        throw new UsageError(`Invalid ${name} '${text}'. Expected a duration such as 90m, 6h or 1d.`);
    }
    return value;
}

;// CONCATENATED MODULE: ./lib/cli/main.js













/** Runs the command line; returns the process exit code. */
async function main(argv, env = process.env, io = {}) {
    const stdout = io.stdout ?? ((text) => void process.stdout.write(text));
    let options;
    try {
        options = parseCliArgs(argv);
    }
    catch (error) {
        if (error instanceof UsageError) {
            process.stderr.write(`acme-lineage: ${error.message}\n`);
            return 2;
        }
        throw error;
    }
    if (options === 'help') {
        stdout(HELP);
        return 0;
    }
    const logger = io.logger ?? createConsoleLogger({ debug: options.debug });
    try {
        if (!(0,external_node_fs_namespaceObject.existsSync)(options.state)) {
            throw new Error(`State repository ${options.state} does not exist. Pass --state with the path of the git repository that contains (or will contain) the state branch.`);
        }
        const manifest = await loadManifest(options.manifest);
        const caCertificates = options.caCertificates
            ? (0,external_node_fs_namespaceObject.readFileSync)(options.caCertificates, 'utf8')
            : undefined;
        const http = createHttpClient({ userAgent: userAgent(), caCertificates });
        configureAcmeHttp({ userAgent: userAgent(), agent: http.agent });
        const store = createGitLineageStore({
            repository: options.state,
            branch: options.stateBranch,
            logger,
        });
        const context = createRunContext({
            manifest,
            store,
            http,
            logger,
            env,
            settings: {
                mode: options.mode,
                accountKeyPem: options.mode === 'renew' ? await accountKey(options, env, logger.info) : undefined,
                externalAccountBinding: externalAccountBinding(options, env),
                outputDirectory: external_node_path_namespaceObject.resolve(options.output),
                intervalToNextRunMs: options.intervalMs,
                concurrency: options.concurrency,
                refreshAri: options.refreshAri,
                dryRun: options.dryRun,
                orderTimeoutMs: options.orderTimeoutMs,
            },
        });
        const result = await runCertificates(context);
        http.close();
        stdout(formatSummary(result, options, store.description));
        if (result.failed > 0)
            return 1;
        const due = result.results.filter((item) => item.status.outcome === 'due');
        if (options.mode === 'check' && due.length > 0) {
            stdout(`check: ${due.length} certificate(s) due: ${due.map((item) => item.status.name).join(', ')}\n`);
            return 1;
        }
        return 0;
    }
    catch (error) {
        logger.error(error instanceof Error ? error.message : String(error));
        return 1;
    }
}
async function accountKey(options, env, info) {
    const fromEnv = readEnv(env, 'ACME_ACCOUNT_KEY');
    if (fromEnv && options.accountKey) {
        throw new Error('Both ACME_ACCOUNT_KEY (or ACME_ACCOUNT_KEY_FILE) and --account-key are set. Set only one: ' +
            'replaces works only for the account that ordered a certificate, so the key must not change by accident.');
    }
    if (fromEnv)
        return fromEnv;
    if (!options.accountKey)
        return undefined;
    if ((0,external_node_fs_namespaceObject.existsSync)(options.accountKey))
        return (0,external_node_fs_namespaceObject.readFileSync)(options.accountKey, 'utf8');
    if (options.dryRun)
        return undefined;
    if (!options.createAccountKey) {
        throw new Error(`Account key file ${options.accountKey} does not exist. Pass --create-account-key to create it.`);
    }
    const key = await createPrivateKey('ec-p256');
    await (0,promises_namespaceObject.mkdir)(external_node_path_namespaceObject.dirname(external_node_path_namespaceObject.resolve(options.accountKey)), { recursive: true });
    await (0,promises_namespaceObject.writeFile)(options.accountKey, key, { mode: 0o600 });
    info(`created account key ${options.accountKey} (P-256); keep it: replaces works only for the same account`);
    return key;
}
function externalAccountBinding(options, env) {
    const keyId = options.eabKeyId ?? readEnv(env, 'ACME_EAB_KEY_ID');
    const hmacKey = readEnv(env, 'ACME_EAB_HMAC_KEY');
    if (!keyId && !hmacKey)
        return undefined;
    if (!keyId || !hmacKey) {
        throw new Error('External account binding needs both ACME_EAB_KEY_ID (or --eab-key-id) and ACME_EAB_HMAC_KEY.');
    }
    return { keyId, hmacKey };
}
function formatSummary(result, options, stateDescription) {
    const lines = result.results.map((item) => {
        const { status } = item;
        const serial = status.newSerial ?? status.currentSerial ?? '-';
        return `${status.name.padEnd(20)} ${status.outcome.padEnd(8)} ${serial}  ${status.error ?? status.reason}`;
    });
    const renewed = result.results.filter((item) => item.files);
    if (renewed.length > 0)
        lines.push(`certificates written to ${external_node_path_namespaceObject.resolve(options.output)}`);
    lines.push(`lineage: ${stateDescription}`);
    return `${lines.join('\n')}\n`;
}


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(518);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
