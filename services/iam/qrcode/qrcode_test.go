package qrcode

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"math/rand"
	"strconv"
	"testing"
)

// Expected values in this file come from ISO/IEC 18004 (Annex A generator
// polynomials, Annex I encoding example, Tables 1, 7, 9, C.1 and D.1) and
// from published worked examples, never from this encoder.

func TestGeneratorPolynomials(t *testing.T) {
	// Exponents of α for each coefficient, highest degree first (Annex A).
	cases := map[int][]int{
		7:  {0, 87, 229, 146, 149, 238, 102, 21},
		10: {0, 251, 67, 46, 61, 118, 70, 64, 94, 32, 45},
	}
	for n, exps := range cases {
		g := generatorPoly(n)
		if len(g) != len(exps) {
			t.Fatalf("degree %d: %d coefficients", n, len(g))
		}
		for i, e := range exps {
			if g[i] != gfExp[e] {
				t.Errorf("degree %d coefficient %d = %d, want α^%d = %d", n, i, g[i], e, gfExp[e])
			}
		}
	}
}

func TestReedSolomonPublishedExamples(t *testing.T) {
	cases := []struct {
		name      string
		data, ecc []int
	}{
		{ // ISO/IEC 18004 Annex I: "01234567" at 1-M.
			"ISO 1-M",
			bin("00010000 00100000 00001100 01010110 01100001 10000000 11101100 00010001 11101100 00010001 11101100 00010001 11101100 00010001 11101100 00010001"),
			bin("10100101 00100100 11010100 11000001 11101101 00110110 11000111 10000111 00101100 01010101"),
		},
		{ // "HELLO WORLD" at 1-Q, alphanumeric.
			"HELLO WORLD 1-Q",
			[]int{32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236},
			[]int{168, 72, 22, 82, 217, 54, 156, 0, 46, 15, 180, 122, 16},
		},
		{ // 5-Q worked example, group 1 block 1.
			"5-Q block 1",
			[]int{67, 85, 70, 134, 87, 38, 85, 194, 119, 50, 6, 18, 6, 103, 38},
			[]int{213, 199, 11, 45, 115, 247, 241, 223, 229, 248, 154, 117, 154, 111, 86, 161, 111, 39},
		},
		{ // 5-Q worked example, group 2 block 1.
			"5-Q block 3",
			[]int{182, 230, 247, 119, 50, 7, 118, 134, 87, 38, 82, 6, 134, 151, 50, 7},
			[]int{148, 116, 177, 212, 76, 133, 75, 242, 238, 76, 195, 230, 189, 10, 108, 240, 192, 141},
		},
	}
	for _, tc := range cases {
		got := eccCodewords(toBytes(tc.data), len(tc.ecc))
		if !bytes.Equal(got, toBytes(tc.ecc)) {
			t.Errorf("%s: ecc %v, want %v", tc.name, got, tc.ecc)
		}
	}
}

func TestDataCodewords(t *testing.T) {
	cases := []struct {
		name    string
		data    string
		version int
		level   Level
		want    []int
	}{
		{ // 0100 | 00000010 | 'h' 'i' | terminator 0000, then pad bytes.
			"two bytes at 1-M", "hi", 1, M,
			append(bin("01000000 00100110 10000110 10010000"), 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11),
		},
		{ // 124 bits of data leave room for exactly the 4-bit terminator.
			"full 1-M", "ABCDEFGHIJKLMN", 1, M,
			[]int{0x40, 0xE4, 0x14, 0x24, 0x34, 0x44, 0x54, 0x64, 0x74, 0x84, 0x94, 0xA4, 0xB4, 0xC4, 0xD4, 0xE0},
		},
		{ // Version 10 uses a 16-bit count: 0100 | 00000000 00000001 | 'A' | 0000.
			"16-bit count at 10-H", "A", 10, H,
			bin("01000000 00000000 00010100 00010000"),
		},
	}
	for _, tc := range cases {
		got := dataCodewords([]byte(tc.data), tc.version, tc.level)
		want := toBytes(tc.want)
		if tc.name == "16-bit count at 10-H" {
			got = got[:len(want)]
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: % x, want % x", tc.name, got, want)
		}
	}
}

func TestFormatInfo(t *testing.T) {
	// Table C.1, one row per level, masks 0–7.
	want := [4][8]string{
		L: {"111011111000100", "111001011110011", "111110110101010", "111100010011101", "110011000101111", "110001100011000", "110110001000001", "110100101110110"},
		M: {"101010000010010", "101000100100101", "101111001111100", "101101101001011", "100010111111001", "100000011001110", "100111110010111", "100101010100000"},
		Q: {"011010101011111", "011000001101000", "011111100110001", "011101000000110", "010010010110100", "010000110000011", "010111011011010", "010101111101101"},
		H: {"001011010001001", "001001110111110", "001110011100111", "001100111010000", "000011101100010", "000001001010101", "000110100001100", "000100000111011"},
	}
	for level := L; level <= H; level++ {
		for mask := 0; mask < 8; mask++ {
			if got := fmt.Sprintf("%015b", formatInfo(level, mask)); got != want[level][mask] {
				t.Errorf("level %d mask %d: %s, want %s", level, mask, got, want[level][mask])
			}
		}
	}
}

func TestVersionInfo(t *testing.T) {
	// Table D.1.
	want := map[int]string{7: "000111110010010100", 8: "001000010110111100", 9: "001001101010011001", 10: "001010010011010011"}
	for v, w := range want {
		if got := fmt.Sprintf("%018b", versionInfo(v)); got != w {
			t.Errorf("version %d: %s, want %s", v, got, w)
		}
	}
}

func TestBlockTableTotals(t *testing.T) {
	// Table 1: total codewords per version.
	totals := []int{0, 26, 44, 70, 100, 134, 172, 196, 242, 292, 346, 404, 466, 532, 581, 655, 733, 815, 901, 991, 1085,
		1156, 1258, 1364, 1474, 1588, 1706, 1828, 1921, 2051, 2185, 2323, 2465, 2611, 2761, 2876, 3034, 3196, 3362, 3532, 3706}
	for v := 1; v <= maxVersion; v++ {
		for level := L; level <= H; level++ {
			spec := blockTable[v][level]
			if spec.totalCodewords() != totals[v] {
				t.Errorf("version %d level %d: %d codewords, want %d", v, level, spec.totalCodewords(), totals[v])
			}
			if spec.group2Blocks > 0 && spec.group2DataLength != spec.group1Data+1 {
				t.Errorf("version %d level %d: group 2 blocks are not one codeword longer", v, level)
			}
		}
		free := 0
		m := newMatrix(v)
		for _, f := range m.function {
			if !f {
				free++
			}
		}
		if free/8 != totals[v] {
			t.Errorf("version %d: %d data modules hold %d codewords, want %d", v, free, free/8, totals[v])
		}
	}
}

func TestVersionChoiceMatchesPublishedCapacity(t *testing.T) {
	// Table 7: byte-mode capacity at level M for versions 1–10, and 40-L.
	capacityM := []int{0, 14, 26, 42, 62, 84, 106, 122, 152, 180, 213}
	for v := 1; v < len(capacityM); v++ {
		for _, n := range []int{capacityM[v], capacityM[v] + 1} {
			c, err := Encode(make([]byte, n))
			if err != nil {
				t.Fatal(err)
			}
			want := v
			if n > capacityM[v] {
				want = v + 1
			}
			if c.Version() != want {
				t.Errorf("%d bytes at M: version %d, want %d", n, c.Version(), want)
			}
		}
	}
	if _, err := EncodeLevel(make([]byte, 2953), L); err != nil {
		t.Errorf("2953 bytes at L: %v", err)
	}
	if _, err := EncodeLevel(make([]byte, 2954), L); !errors.Is(err, ErrTooLong) {
		t.Errorf("2954 bytes at L: %v, want ErrTooLong", err)
	}
	if _, err := PNG(make([]byte, 2332), 1); !errors.Is(err, ErrTooLong) {
		t.Errorf("2332 bytes at M: %v, want ErrTooLong", err)
	}
}

func TestLinePenalty(t *testing.T) {
	cases := []struct {
		line string
		want int
	}{
		{"1010101010", 0},
		{"1111101010", 3},       // run of 5
		{"0000000101", 5},       // run of 7
		{"1111111111", 8},       // run of 10
		{"10111010000", 40},     // finder then light; 4 lights are no run of 5
		{"00001011101", 40},     // light then finder
		{"000010111010000", 80}, // both directions
	}
	for _, tc := range cases {
		line := make([]bool, len(tc.line))
		for i, c := range tc.line {
			line[i] = c == '1'
		}
		if got := linePenalty(line); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.line, got, tc.want)
		}
	}
}

func TestStructure(t *testing.T) {
	for _, n := range []int{1, 20, 60, 100, 150, 200, 400} {
		for level := L; level <= H; level++ {
			c, err := EncodeLevel(bytes.Repeat([]byte("z"), n), level)
			if err != nil {
				t.Fatal(err)
			}
			checkStructure(t, c)
		}
	}
}

// checkStructure verifies the function patterns of a finished symbol.
func checkStructure(t *testing.T, c *Code) {
	t.Helper()
	size := c.Size()
	if size != 17+4*c.Version() {
		t.Fatalf("size %d for version %d", size, c.Version())
	}
	for _, corner := range [][2]int{{0, 0}, {size - 7, 0}, {0, size - 7}} {
		for dy := -1; dy <= 7; dy++ {
			for dx := -1; dx <= 7; dx++ {
				x, y := corner[0]+dx, corner[1]+dy
				if x < 0 || y < 0 || x >= size || y >= size {
					continue
				}
				// Rings from the outside: separator light, border dark,
				// gap light, 3×3 centre dark.
				ring := min(dx+1, dy+1, 7-dx, 7-dy)
				want := ring == 1 || ring >= 3
				if c.Dark(x, y) != want {
					t.Fatalf("finder at %v: module (%d,%d) dark=%v", corner, x, y, !want)
				}
			}
		}
	}
	for i := 8; i < size-8; i++ {
		if c.Dark(i, 6) != (i%2 == 0) || c.Dark(6, i) != (i%2 == 0) {
			t.Fatalf("timing pattern broken at %d", i)
		}
	}
	if !c.Dark(8, size-8) {
		t.Fatal("dark module is light")
	}
	level, mask, err := readFormat(c)
	if err != nil {
		t.Fatal(err)
	}
	if level != c.Level() || mask != c.Mask() {
		t.Fatalf("format says level %d mask %d, code has %d/%d", level, mask, c.Level(), c.Mask())
	}
	if c.Version() >= 7 {
		v, err := readVersion(c)
		if err != nil || v != c.Version() {
			t.Fatalf("version information: %d, %v; want %d", v, err, c.Version())
		}
	}
}

func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(18004))
	for i := 0; i < 300; i++ {
		data := make([]byte, 1+rng.Intn(200))
		rng.Read(data)
		level := Level(i % 4)
		c, err := EncodeLevel(data, level)
		if err != nil {
			t.Fatal(err)
		}
		checkStructure(t, c)
		got, err := decode(c)
		if err != nil {
			t.Fatalf("%d bytes at level %d (version %d, mask %d): %v", len(data), level, c.Version(), c.Mask(), err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("%d bytes at level %d: decoded % x, want % x", len(data), level, got, data)
		}
	}
	uri := "otpauth://totp/alice-phone@000000000000?secret=" + string(bytes.Repeat([]byte("ABCDEFGH"), 8))
	c, err := Encode([]byte(uri))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := decode(c); err != nil || string(got) != uri {
		t.Fatalf("otpauth URI: %q, %v", got, err)
	}
	if c.Version() > 10 {
		t.Errorf("otpauth URI needs version %d", c.Version())
	}
}

func TestPNG(t *testing.T) {
	const scale = 3
	data := []byte("HELLO WORLD")
	out, err := PNG(data, scale)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := Encode(data)
	width := (c.Size() + 2*QuietZone) * scale
	if b := img.Bounds(); b.Dx() != width || b.Dy() != width {
		t.Fatalf("image %v, want %dx%d", b, width, width)
	}
	for y := 0; y < width; y++ {
		for x := 0; x < width; x++ {
			r, _, _, _ := img.At(x, y).RGBA()
			wantDark := c.Dark(x/scale-QuietZone, y/scale-QuietZone)
			if (r == 0) != wantDark || (r != 0 && r != 0xffff) {
				t.Fatalf("pixel (%d,%d) = %d, module dark=%v", x, y, r, wantDark)
			}
		}
	}
	if !c.Dark(0, 0) || c.Dark(-1, 0) {
		t.Fatal("corner module should be dark and the quiet zone light")
	}
	if _, err := PNG(data, 0); err == nil {
		t.Fatal("scale 0 accepted")
	}
}

func bin(s string) []int {
	var out []int
	for _, f := range bytes.Fields([]byte(s)) {
		v, err := strconv.ParseUint(string(f), 2, 8)
		if err != nil {
			panic(err)
		}
		out = append(out, int(v))
	}
	return out
}

func toBytes(v []int) []byte {
	out := make([]byte, len(v))
	for i, x := range v {
		out[i] = byte(x)
	}
	return out
}
