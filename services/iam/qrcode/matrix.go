package qrcode

import "math/bits"

// matrix is a symbol under construction. x is the column, y the row, both
// from the top-left corner; function marks modules that carry no data.
type matrix struct {
	size     int
	dark     []bool
	function []bool
}

func (m *matrix) at(x, y int) int { return y*m.size + x }

func (m *matrix) setFunction(x, y int, dark bool) {
	m.dark[m.at(x, y)] = dark
	m.function[m.at(x, y)] = true
}

// newMatrix draws every function pattern of the version. The format areas
// are reserved (light) until the mask is known.
func newMatrix(version int) *matrix {
	size := symbolSize(version)
	m := &matrix{size: size, dark: make([]bool, size*size), function: make([]bool, size*size)}
	for i := 0; i < size; i++ {
		m.setFunction(6, i, i%2 == 0)
		m.setFunction(i, 6, i%2 == 0)
	}
	m.drawFinder(3, 3)
	m.drawFinder(size-4, 3)
	m.drawFinder(3, size-4)
	m.drawAlignments(version)
	m.drawFormat(0)
	if version >= 7 {
		m.drawVersion(version)
	}
	return m
}

// drawFinder draws the 7×7 finder centred on (cx, cy) with its light separator.
func (m *matrix) drawFinder(cx, cy int) {
	for dy := -4; dy <= 4; dy++ {
		for dx := -4; dx <= 4; dx++ {
			x, y := cx+dx, cy+dy
			if x < 0 || y < 0 || x >= m.size || y >= m.size {
				continue
			}
			ring := max(abs(dx), abs(dy))
			m.setFunction(x, y, ring != 2 && ring != 4)
		}
	}
}

// drawAlignments draws a 5×5 alignment pattern at every pair of centres
// except the three that would overlap the finders.
func (m *matrix) drawAlignments(version int) {
	centres := alignmentCenters[version]
	last := len(centres) - 1
	for i, cy := range centres {
		for j, cx := range centres {
			if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) {
				continue
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					m.setFunction(cx+dx, cy+dy, max(abs(dx), abs(dy)) != 1)
				}
			}
		}
	}
}

// drawFormat writes both copies of the 15-bit format information (bit 14
// is the most significant) and the dark module beside the lower-left finder.
func (m *matrix) drawFormat(info int) {
	bit := func(i int) bool { return info>>uint(i)&1 == 1 }
	// Copy 1, around the top-left finder.
	for i := 0; i <= 5; i++ {
		m.setFunction(8, i, bit(i))
	}
	m.setFunction(8, 7, bit(6))
	m.setFunction(8, 8, bit(7))
	m.setFunction(7, 8, bit(8))
	for i := 9; i < 15; i++ {
		m.setFunction(14-i, 8, bit(i))
	}
	// Copy 2, split between the top-right and bottom-left finders.
	for i := 0; i < 8; i++ {
		m.setFunction(m.size-1-i, 8, bit(i))
	}
	for i := 8; i < 15; i++ {
		m.setFunction(8, m.size-15+i, bit(i))
	}
	m.setFunction(8, m.size-8, true)
}

// drawVersion writes both 6×3 copies of the 18-bit version information.
func (m *matrix) drawVersion(version int) {
	info := versionInfo(version)
	for i := 0; i < 18; i++ {
		dark := info>>uint(i)&1 == 1
		a, b := m.size-11+i%3, i/3
		m.setFunction(a, b, dark) // above the top-right finder
		m.setFunction(b, a, dark) // left of the bottom-left finder
	}
}

// placeCodewords fills the data modules with the codewords, most significant
// bit first, in two-module-wide columns running up and down alternately from
// the bottom-right corner; the vertical timing column is skipped. Modules
// left over (remainder bits) stay light.
func (m *matrix) placeCodewords(codewords []byte) {
	i, total := 0, len(codewords)*8
	upward := true
	for right := m.size - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5
		}
		for step := 0; step < m.size; step++ {
			y := step
			if upward {
				y = m.size - 1 - step
			}
			for x := right; x >= right-1; x-- {
				if m.function[m.at(x, y)] || i >= total {
					continue
				}
				m.dark[m.at(x, y)] = codewords[i/8]>>uint(7-i%8)&1 == 1
				i++
			}
		}
		upward = !upward
	}
}

// bchCode returns value followed by the remainder of value·x^degree
// divided by generator, a polynomial of the given degree over GF(2).
func bchCode(value, generator, degree int) int {
	rem := value << uint(degree)
	for i := bits.Len(uint(rem)) - 1; i >= degree; i-- {
		if rem>>uint(i)&1 == 1 {
			rem ^= generator << uint(i-degree)
		}
	}
	return value<<uint(degree) | rem
}

// formatInfo is the 15-bit format information for a level and mask: a
// (15,5) BCH code with generator 0x537, XORed with 0x5412 so that it is
// never all light.
func formatInfo(level Level, mask int) int {
	return bchCode(level.formatBits()<<3|mask, 0x537, 10) ^ 0x5412
}

// versionInfo is the 18-bit version information: an (18,6) BCH code with
// generator 0x1F25.
func versionInfo(version int) int { return bchCode(version, 0x1F25, 12) }

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
