package qrcode

import (
	"errors"
	"fmt"
)

// A minimal decoder, written apart from the encoder, that reads a symbol
// back the way ISO/IEC 18004 §12 describes.

// readBits reads the module coordinates in order as a big-endian number.
func readBits(c *Code, coords [][2]int) int {
	v := 0
	for _, p := range coords {
		v <<= 1
		if c.Dark(p[0], p[1]) {
			v |= 1
		}
	}
	return v
}

// gf2Mod is the remainder of a by b as polynomials over GF(2).
func gf2Mod(a, b int) int {
	degree := func(x int) int {
		d := -1
		for ; x > 0; x >>= 1 {
			d++
		}
		return d
	}
	for degree(a) >= degree(b) {
		a ^= b << uint(degree(a)-degree(b))
	}
	return a
}

func readFormat(c *Code) (Level, int, error) {
	s := c.Size()
	// Copy 1: along row 8 left to right, then up column 8 (bit 14 first).
	copy1 := [][2]int{{0, 8}, {1, 8}, {2, 8}, {3, 8}, {4, 8}, {5, 8}, {7, 8}, {8, 8}, {8, 7}, {8, 5}, {8, 4}, {8, 3}, {8, 2}, {8, 1}, {8, 0}}
	// Copy 2: up column 8 from the bottom, then along row 8 at the right.
	var copy2 [][2]int
	for y := s - 1; y >= s-7; y-- {
		copy2 = append(copy2, [2]int{8, y})
	}
	for x := s - 8; x < s; x++ {
		copy2 = append(copy2, [2]int{x, 8})
	}
	a, b := readBits(c, copy1), readBits(c, copy2)
	if a != b {
		return 0, 0, fmt.Errorf("format copies differ: %015b %015b", a, b)
	}
	raw := a ^ 0x5412
	if gf2Mod(raw, 0x537) != 0 {
		return 0, 0, fmt.Errorf("format information %015b fails the BCH check", a)
	}
	levels := map[int]Level{0b01: L, 0b00: M, 0b11: Q, 0b10: H}
	return levels[raw>>13], raw >> 10 & 7, nil
}

func readVersion(c *Code) (int, error) {
	s := c.Size()
	var topRight, bottomLeft [][2]int
	// Bit 17 first: the last row of the top-right block, right to left.
	for bit := 17; bit >= 0; bit-- {
		row, col := bit/3, bit%3
		topRight = append(topRight, [2]int{s - 11 + col, row})
		bottomLeft = append(bottomLeft, [2]int{row, s - 11 + col})
	}
	a, b := readBits(c, topRight), readBits(c, bottomLeft)
	if a != b {
		return 0, fmt.Errorf("version copies differ: %018b %018b", a, b)
	}
	if gf2Mod(a, 0x1F25) != 0 {
		return 0, fmt.Errorf("version information %018b fails the BCH check", a)
	}
	return a >> 12, nil
}

// functionModules marks the modules that carry no codeword bits.
func functionModules(version int) [][]bool {
	s := 17 + 4*version
	fn := make([][]bool, s)
	for i := range fn {
		fn[i] = make([]bool, s)
	}
	rect := func(x0, y0, w, h int) {
		for y := y0; y < y0+h; y++ {
			for x := x0; x < x0+w; x++ {
				fn[y][x] = true
			}
		}
	}
	rect(0, 0, 9, 9)   // finder, separator, format
	rect(s-8, 0, 8, 9) // finder, separator, format
	rect(0, s-8, 9, 8) // finder, separator, format, dark module
	for _, cy := range alignmentCenters[version] {
		for _, cx := range alignmentCenters[version] {
			if fn[cy][cx] {
				continue // would overlap a finder
			}
			rect(cx-2, cy-2, 5, 5)
		}
	}
	rect(6, 0, 1, s) // timing
	rect(0, 6, s, 1)
	if version >= 7 {
		rect(s-11, 0, 3, 6)
		rect(0, s-11, 6, 3)
	}
	return fn
}

var masks = []func(i, j int) bool{ // i is the row, j the column
	func(i, j int) bool { return (i+j)%2 == 0 },
	func(i, j int) bool { return i%2 == 0 },
	func(i, j int) bool { return j%3 == 0 },
	func(i, j int) bool { return (i+j)%3 == 0 },
	func(i, j int) bool { return (i/2+j/3)%2 == 0 },
	func(i, j int) bool { return i*j%2+i*j%3 == 0 },
	func(i, j int) bool { return (i*j%2+i*j%3)%2 == 0 },
	func(i, j int) bool { return (i*j%3+(i+j)%2)%2 == 0 },
}

// readCodewords unmasks the data modules and reads them in placement order.
func readCodewords(c *Code, mask int) []byte {
	s := c.Size()
	fn := functionModules(c.Version())
	var out []byte
	n := 0
	up := true
	for col := s - 1; col > 0; col -= 2 {
		if col == 6 {
			col--
		}
		for k := 0; k < s; k++ {
			y := k
			if up {
				y = s - 1 - k
			}
			for _, x := range []int{col, col - 1} {
				if fn[y][x] {
					continue
				}
				if n%8 == 0 {
					out = append(out, 0)
				}
				if c.Dark(x, y) != masks[mask](y, x) {
					out[n/8] |= 0x80 >> uint(n%8)
				}
				n++
			}
		}
		up = !up
	}
	return out[:n/8] // drop the remainder bits
}

// slowMul multiplies in GF(256) modulo 0x11D bit by bit.
func slowMul(a, b byte) byte {
	var p byte
	for ; b > 0; b >>= 1 {
		if b&1 == 1 {
			p ^= a
		}
		carry := a&0x80 != 0
		a <<= 1
		if carry {
			a ^= 0x1D
		}
	}
	return p
}

// syndromesZero evaluates the block at α^0 … α^(ecc-1); a valid codeword
// is divisible by the generator polynomial, so every value is zero.
func syndromesZero(block []byte, ecc int) bool {
	root := byte(1)
	for k := 0; k < ecc; k++ {
		var v byte
		for _, c := range block {
			v = slowMul(v, root) ^ c
		}
		if v != 0 {
			return false
		}
		root = slowMul(root, 2)
	}
	return true
}

func decode(c *Code) ([]byte, error) {
	level, mask, err := readFormat(c)
	if err != nil {
		return nil, err
	}
	version := (c.Size() - 17) / 4
	spec := blockTable[version][level]
	cw := readCodewords(c, mask)
	if len(cw) != spec.totalCodewords() {
		return nil, fmt.Errorf("read %d codewords, want %d", len(cw), spec.totalCodewords())
	}
	// De-interleave: data codewords round-robin across blocks (shorter
	// blocks first run out), then ECC codewords round-robin.
	nb := spec.blocks()
	blocks := make([][]byte, nb)
	pos := 0
	for i := 0; ; i++ {
		took := false
		for b := 0; b < nb; b++ {
			if i < spec.dataLength(b) {
				blocks[b] = append(blocks[b], cw[pos])
				pos++
				took = true
			}
		}
		if !took {
			break
		}
	}
	var data []byte
	for b := range blocks {
		data = append(data, blocks[b]...)
	}
	for i := 0; i < spec.eccPerBlock; i++ {
		for b := 0; b < nb; b++ {
			blocks[b] = append(blocks[b], cw[pos])
			pos++
		}
	}
	for b, blk := range blocks {
		if !syndromesZero(blk, spec.eccPerBlock) {
			return nil, fmt.Errorf("block %d has non-zero syndromes", b)
		}
	}
	return parseByteMode(data, version)
}

func parseByteMode(data []byte, version int) ([]byte, error) {
	n := 0
	read := func(width int) int {
		v := 0
		for i := 0; i < width; i++ {
			v = v<<1 | int(data[n/8]>>uint(7-n%8)&1)
			n++
		}
		return v
	}
	if mode := read(4); mode != 0b0100 {
		return nil, fmt.Errorf("mode %04b, want byte mode", mode)
	}
	width := 8
	if version >= 10 {
		width = 16
	}
	count := read(width)
	if 4+width+8*count > 8*len(data) {
		return nil, errors.New("count exceeds capacity")
	}
	out := make([]byte, count)
	for i := range out {
		out[i] = byte(read(8))
	}
	// Terminator and padding to the byte boundary are zero bits.
	for n%8 != 0 || (n < 8*len(data) && n < 4+width+8*count+4) {
		if n >= 8*len(data) {
			break
		}
		if read(1) != 0 {
			return nil, errors.New("non-zero terminator or padding bit")
		}
	}
	for i, pad := n/8, byte(0xEC); i < len(data); i, pad = i+1, pad^0xEC^0x11 {
		if data[i] != pad {
			return nil, fmt.Errorf("pad codeword %d is %#x, want %#x", i, data[i], pad)
		}
	}
	return out, nil
}
