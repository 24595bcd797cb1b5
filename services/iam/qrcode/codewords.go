package qrcode

// Byte-mode constants from ISO/IEC 18004.
const (
	modeByte = 0b0100
	padByteA = 0xEC
	padByteB = 0x11
)

// bitBuffer appends values most significant bit first.
type bitBuffer struct {
	bytes []byte
	n     int // bits written
}

func (b *bitBuffer) write(value uint, width int) {
	for i := width - 1; i >= 0; i-- {
		if b.n%8 == 0 {
			b.bytes = append(b.bytes, 0)
		}
		if value>>uint(i)&1 == 1 {
			b.bytes[b.n/8] |= 0x80 >> uint(b.n%8)
		}
		b.n++
	}
}

// fits reports whether data fits in one byte-mode segment of the version.
func fits(n, version int, level Level) bool {
	capacity := blockTable[version][level].dataCodewords() * 8
	return 4+countBits(version)+8*n <= capacity
}

// dataCodewords builds the data codeword sequence: mode, count, bytes,
// terminator, zero bits to a byte boundary, then alternating pad bytes.
func dataCodewords(data []byte, version int, level Level) []byte {
	capacity := blockTable[version][level].dataCodewords()
	var b bitBuffer
	b.write(modeByte, 4)
	b.write(uint(len(data)), countBits(version))
	for _, c := range data {
		b.write(uint(c), 8)
	}
	b.write(0, min(4, capacity*8-b.n))
	if b.n%8 != 0 {
		b.write(0, 8-b.n%8)
	}
	for pad := byte(padByteA); len(b.bytes) < capacity; pad ^= padByteA ^ padByteB {
		b.bytes = append(b.bytes, pad)
	}
	return b.bytes
}

// interleave splits data into the version's blocks, computes each block's
// error-correction codewords and returns the final codeword sequence: the
// i-th data codeword of every block in turn, then likewise for the ECC.
func interleave(data []byte, spec blockSpec) []byte {
	blocks := make([][]byte, spec.blocks())
	eccs := make([][]byte, spec.blocks())
	offset := 0
	for i := range blocks {
		n := spec.dataLength(i)
		blocks[i] = data[offset : offset+n]
		eccs[i] = eccCodewords(blocks[i], spec.eccPerBlock)
		offset += n
	}
	out := make([]byte, 0, spec.totalCodewords())
	for i := 0; i < max(spec.group1Data, spec.group2DataLength); i++ {
		for _, blk := range blocks {
			if i < len(blk) {
				out = append(out, blk[i])
			}
		}
	}
	for i := 0; i < spec.eccPerBlock; i++ {
		for _, ecc := range eccs {
			out = append(out, ecc[i])
		}
	}
	return out
}
