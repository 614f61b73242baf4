package handlers

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"github.com/bookcase/bookcase/data"
)

// A cover is decoded from what the reader uploads and written again from its pixels alone, so
// nothing of the file but its picture is kept: no EXIF (a phone's GPS position), no comments, no
// colour profiles, nothing that could carry a script. Two sizes are stored, as JPEG (the standard
// library's encoder: no pure-Go WebP encoder is well kept, and JPEG is what every browser shows).
const (
	maxCoverBytes  = 10 << 20 // the largest upload
	maxCoverPixels = 40_000_000
	coverSmallH    = data.CoverSmallHeight
	coverLargeH    = data.CoverLargeHeight
	coverQuality   = 82
)

// errNotImage is a file that is not a picture Bookcase reads (JPEG, PNG, GIF or WebP), read by
// its content; errTooManyPixels one whose dimensions would take too much memory to decode.
var (
	errNotImage      = errors.New("not a JPEG, PNG, GIF or WebP image")
	errTooManyPixels = errors.New("too many pixels")
)

// coverImages are the two sizes of a cover.
type coverImages struct {
	small, large []byte
}

// decoders are the formats a cover may come in, by the magic bytes that start each.
var decoders = []struct {
	magic  func([]byte) bool
	config func([]byte) (image.Config, error)
	decode func([]byte) (image.Image, error)
}{
	{
		func(b []byte) bool { return bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}) },
		func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) },
		func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) },
	},
	{
		func(b []byte) bool { return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) },
		func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) },
		func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) },
	},
	{
		func(b []byte) bool {
			return bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a"))
		},
		func(b []byte) (image.Config, error) { return gif.DecodeConfig(bytes.NewReader(b)) },
		func(b []byte) (image.Image, error) { return gif.Decode(bytes.NewReader(b)) }, // the first frame
	},
	{
		func(b []byte) bool { return len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP" },
		func(b []byte) (image.Config, error) { return webp.DecodeConfig(bytes.NewReader(b)) },
		func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) },
	},
}

// coverWork bounds the covers decoded at once to one: a 40-megapixel JPEG takes 60 to 120 MB
// while it is decoded, which the server can afford once, not a few times over. Others wait their
// turn (within their request's time).
var coverWork = make(chan struct{}, 1)

// makeCover reads an uploaded file as a cover: by its content, refusing what is not an image and
// what has more than maxCoverPixels before decoding it, turned upright as its EXIF orientation
// says, and written again at two heights.
func makeCover(ctx context.Context, file []byte) (coverImages, error) {
	i := -1
	for n, d := range decoders {
		if d.magic(file) {
			i = n
			break
		}
	}
	if i < 0 {
		return coverImages{}, errNotImage
	}
	d := decoders[i]
	cfg, err := d.config(file)
	if err != nil {
		return coverImages{}, errNotImage
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return coverImages{}, errNotImage
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxCoverPixels {
		return coverImages{}, errTooManyPixels
	}
	select {
	case coverWork <- struct{}{}:
		defer func() { <-coverWork }()
	case <-ctx.Done():
		return coverImages{}, ctx.Err()
	}
	img, err := d.decode(file)
	if err != nil {
		return coverImages{}, errNotImage // truncated or damaged
	}
	orientation := 1
	if i == 0 {
		orientation = jpegOrientation(file)
	}
	var out coverImages
	for _, size := range []struct {
		h   int
		dst *[]byte
	}{{coverSmallH, &out.small}, {coverLargeH, &out.large}} {
		b, err := encodeCover(img, size.h, orientation)
		if err != nil {
			return coverImages{}, err
		}
		*size.dst = b
	}
	return out, nil
}

// encodeCover scales img to height h (never up), turns it upright and encodes it as JPEG.
func encodeCover(img image.Image, h, orientation int) ([]byte, error) {
	b := img.Bounds()
	w, ht := b.Dx(), b.Dy()
	if orientation >= 5 { // turned a quarter: the picture's height is the file's width
		w, ht = ht, w
	}
	if ht > h {
		w = max(1, w*h/ht)
		ht = h
	}
	// Scale in the file's own orientation, then turn the small result.
	sw, sh := w, ht
	if orientation >= 5 {
		sw, sh = ht, w
	}
	scaled := image.NewRGBA(image.Rect(0, 0, sw, sh))
	draw.CatmullRom.Scale(scaled, scaled.Bounds(), img, b, draw.Src, nil)
	upright := orient(scaled, orientation)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, upright, &jpeg.Options{Quality: coverQuality}); err != nil {
		return nil, fmt.Errorf("encode cover: %w", err)
	}
	return buf.Bytes(), nil
}

// orient returns img turned as EXIF orientation o (1 to 8) says the picture is to be shown.
func orient(img *image.RGBA, o int) *image.RGBA {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	out := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range h {
		for x := range w {
			var dx, dy int
			switch o {
			case 2: // mirrored
				dx, dy = w-1-x, y
			case 3: // turned half
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored upside down
				dx, dy = x, h-1-y
			case 5: // mirrored, turned a quarter left
				dx, dy = y, x
			case 6: // turned a quarter right
				dx, dy = h-1-y, x
			case 7: // mirrored, turned a quarter right
				dx, dy = h-1-y, w-1-x
			case 8: // turned a quarter left
				dx, dy = y, w-1-x
			}
			out.SetRGBA(dx, dy, img.RGBAAt(x, y))
		}
	}
	return out
}

// jpegOrientation reads the orientation (1 to 8) from a JPEG's EXIF segment, or 1 when it has
// none or it cannot be read. It reads only that tag of the first directory: the rest of the EXIF
// data, GPS included, is never kept.
func jpegOrientation(b []byte) int {
	// Segments follow the start of image (FF D8): FF, marker, length (big endian, itself included).
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xff {
			return 1
		}
		marker := b[i+1]
		if marker == 0xda || marker == 0xd9 { // the image data starts: no EXIF before it
			return 1
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return 1
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xe1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 of the first directory of a TIFF header (EXIF's layout).
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	ifd := int(order.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 1
	}
	entries := int(order.Uint16(t[ifd:]))
	for e := range entries {
		at := ifd + 2 + e*12
		if at+12 > len(t) {
			return 1
		}
		if order.Uint16(t[at:]) != 0x0112 {
			continue
		}
		// SHORT (type 3), one value, kept in the first two bytes of the value field.
		if order.Uint16(t[at+2:]) != 3 {
			return 1
		}
		if o := int(order.Uint16(t[at+8:])); o >= 1 && o <= 8 {
			return o
		}
		return 1
	}
	return 1
}
