package qrcode

// maskBit reports whether mask pattern m (0–7) inverts the module in row y,
// column x.
func maskBit(m, x, y int) bool {
	switch m {
	case 0:
		return (y+x)%2 == 0
	case 1:
		return y%2 == 0
	case 2:
		return x%3 == 0
	case 3:
		return (y+x)%3 == 0
	case 4:
		return (y/2+x/3)%2 == 0
	case 5:
		return (y*x)%2+(y*x)%3 == 0
	case 6:
		return ((y*x)%2+(y*x)%3)%2 == 0
	default:
		return ((y+x)%2+(y*x)%3)%2 == 0
	}
}

// applyMask inverts the data modules selected by mask m; applying it twice
// restores the matrix.
func (m *matrix) applyMask(mask int) {
	for y := 0; y < m.size; y++ {
		for x := 0; x < m.size; x++ {
			if !m.function[m.at(x, y)] && maskBit(mask, x, y) {
				m.dark[m.at(x, y)] = !m.dark[m.at(x, y)]
			}
		}
	}
}

// Penalty weights N1–N4 of ISO/IEC 18004 §7.8.3.
const (
	penaltyRun     = 3  // N1: a run of 5 same-colour modules, +1 per extra module
	penaltyBlock   = 3  // N2: each 2×2 block of one colour
	penaltyFinder  = 40 // N3: 1:1:3:1:1 finder-like pattern beside 4 light modules
	penaltyBalance = 10 // N4: each 5% step of dark proportion away from 50%
)

// penalty scores the finished symbol; the encoder keeps the mask with the
// lowest score.
func (m *matrix) penalty() int {
	score := 0
	line := make([]bool, m.size)
	for i := 0; i < m.size; i++ {
		for j := 0; j < m.size; j++ {
			line[j] = m.dark[m.at(j, i)]
		}
		score += linePenalty(line)
		for j := 0; j < m.size; j++ {
			line[j] = m.dark[m.at(i, j)]
		}
		score += linePenalty(line)
	}
	dark := 0
	for y := 0; y < m.size; y++ {
		for x := 0; x < m.size; x++ {
			c := m.dark[m.at(x, y)]
			if c {
				dark++
			}
			if x+1 < m.size && y+1 < m.size &&
				c == m.dark[m.at(x+1, y)] && c == m.dark[m.at(x, y+1)] && c == m.dark[m.at(x+1, y+1)] {
				score += penaltyBlock
			}
		}
	}
	total := m.size * m.size
	score += penaltyBalance * (abs(dark*20-total*10) / total)
	return score
}

var (
	finderThenLight = []bool{true, false, true, true, true, false, true, false, false, false, false}
	lightThenFinder = []bool{false, false, false, false, true, false, true, true, true, false, true}
)

// linePenalty scores one row or column for runs (N1) and finder-like
// patterns (N3).
func linePenalty(line []bool) int {
	score := 0
	run := 1
	for i := 1; i <= len(line); i++ {
		if i < len(line) && line[i] == line[i-1] {
			run++
			continue
		}
		if run >= 5 {
			score += penaltyRun + run - 5
		}
		run = 1
	}
	for i := 0; i+len(finderThenLight) <= len(line); i++ {
		if matches(line[i:], finderThenLight) {
			score += penaltyFinder
		}
		if matches(line[i:], lightThenFinder) {
			score += penaltyFinder
		}
	}
	return score
}

func matches(line, pattern []bool) bool {
	for i, p := range pattern {
		if line[i] != p {
			return false
		}
	}
	return true
}
