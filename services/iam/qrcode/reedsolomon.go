package qrcode

// QR Reed–Solomon codes work over GF(256) built on the primitive polynomial
// x^8 + x^4 + x^3 + x^2 + 1 (0x11D) with generator element α = 2.
const gfPrimitive = 0x11D

// gfExp[i] = α^i, doubled so log sums need no modulo; gfLog is its inverse.
var gfExp, gfLog = gfTables()

func gfTables() (exp [510]byte, log [256]int) {
	x := 1
	for i := 0; i < 255; i++ {
		exp[i] = byte(x)
		exp[i+255] = byte(x)
		log[x] = i
		x <<= 1
		if x&0x100 != 0 {
			x ^= gfPrimitive
		}
	}
	return exp, log
}

func gfMul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[gfLog[a]+gfLog[b]]
}

// generatorPoly returns the coefficients, highest degree first, of
// (x - α^0)(x - α^1)…(x - α^(n-1)); the leading coefficient is 1.
func generatorPoly(n int) []byte {
	g := []byte{1}
	for i := 0; i < n; i++ {
		next := make([]byte, len(g)+1)
		for j, c := range g {
			next[j] ^= c
			next[j+1] ^= gfMul(c, gfExp[i])
		}
		g = next
	}
	return g
}

// eccCodewords returns the n error-correction codewords of a block: the
// remainder of data(x)·x^n divided by the generator polynomial.
func eccCodewords(data []byte, n int) []byte {
	g := generatorPoly(n)
	rem := make([]byte, n)
	for _, d := range data {
		factor := d ^ rem[0]
		copy(rem, rem[1:])
		rem[n-1] = 0
		for j := range rem {
			rem[j] ^= gfMul(g[j+1], factor)
		}
	}
	return rem
}
