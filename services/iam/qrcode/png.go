package qrcode

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
)

// QuietZone is the light margin, in modules, around a rendered symbol.
const QuietZone = 4

// PNG encodes data at level M and renders it as a grayscale PNG with
// scale pixels per module and a quiet zone of QuietZone modules.
func PNG(data []byte, scale int) ([]byte, error) {
	c, err := Encode(data)
	if err != nil {
		return nil, err
	}
	return c.PNG(scale)
}

// PNG renders the symbol as a grayscale PNG with scale pixels per module.
func (c *Code) PNG(scale int) ([]byte, error) {
	if scale < 1 {
		return nil, errors.New("qrcode: scale must be at least 1")
	}
	width := (c.Size() + 2*QuietZone) * scale
	img := image.NewGray(image.Rect(0, 0, width, width))
	for y := 0; y < width; y++ {
		for x := 0; x < width; x++ {
			shade := color.Gray{Y: 255}
			if c.Dark(x/scale-QuietZone, y/scale-QuietZone) {
				shade.Y = 0
			}
			img.SetGray(x, y, shade)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
