// Package qrcode encodes bytes as a QR Code symbol (ISO/IEC 18004) in byte
// mode and renders it as a PNG image.
package qrcode

import "errors"

// Level is an error-correction level.
type Level int

// Error-correction levels, recovering about 7%, 15%, 25% and 30% of the
// codewords respectively.
const (
	L Level = iota
	M
	Q
	H
)

// formatBits is the level's 2-bit indicator in the format information.
func (l Level) formatBits() int { return [...]int{0b01, 0b00, 0b11, 0b10}[l] }

// ErrTooLong is returned when the data does not fit in a version 40 symbol.
var ErrTooLong = errors.New("qrcode: data too long for a QR code")

// Code is an encoded QR Code symbol.
type Code struct {
	version int
	level   Level
	mask    int
	m       *matrix
}

// Encode encodes data at error-correction level M in the smallest version
// that holds it.
func Encode(data []byte) (*Code, error) { return EncodeLevel(data, M) }

// EncodeLevel encodes data at the given level in the smallest version that
// holds it, with the mask pattern of lowest penalty.
func EncodeLevel(data []byte, level Level) (*Code, error) {
	if level < L || level > H {
		return nil, errors.New("qrcode: unknown error-correction level")
	}
	version := 1
	for !fits(len(data), version, level) {
		if version++; version > maxVersion {
			return nil, ErrTooLong
		}
	}
	codewords := interleave(dataCodewords(data, version, level), blockTable[version][level])
	m := newMatrix(version)
	m.placeCodewords(codewords)
	best, bestScore := 0, -1
	for mask := 0; mask < 8; mask++ {
		m.applyMask(mask)
		m.drawFormat(formatInfo(level, mask))
		if score := m.penalty(); bestScore < 0 || score < bestScore {
			best, bestScore = mask, score
		}
		m.applyMask(mask)
	}
	m.applyMask(best)
	m.drawFormat(formatInfo(level, best))
	return &Code{version: version, level: level, mask: best, m: m}, nil
}

// Size is the width and height of the symbol in modules, without quiet zone.
func (c *Code) Size() int { return c.m.size }

// Dark reports whether the module at column x, row y is dark; modules
// outside the symbol (the quiet zone) are light.
func (c *Code) Dark(x, y int) bool {
	if x < 0 || y < 0 || x >= c.m.size || y >= c.m.size {
		return false
	}
	return c.m.dark[c.m.at(x, y)]
}

// Version is the symbol version, 1 to 40.
func (c *Code) Version() int { return c.version }

// Level is the error-correction level.
func (c *Code) Level() Level { return c.level }

// Mask is the mask pattern reference, 0 to 7.
func (c *Code) Mask() int { return c.mask }
