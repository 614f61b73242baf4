package assets

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"testing"
)

// update redraws the committed icons: go test ./assets -run TestIcons -update.
var update = flag.Bool("update", false, "redraw the icons (icon-*.png) from drawIcon")

// The icons are drawn here, once, and committed: no image tool and no build step. TestIcons
// fails when a committed icon is not what drawIcon draws, so the two cannot drift apart.
var icons = []struct {
	name     string
	size     int
	maskable bool
}{
	{IconSmall, 192, false},
	{IconLarge, 512, false},
	{IconMaskable, 512, true},
}

func TestIcons(t *testing.T) {
	for _, ic := range icons {
		t.Run(ic.name, func(t *testing.T) {
			want := drawIcon(ic.size, ic.maskable)
			if *update {
				var buf bytes.Buffer
				enc := png.Encoder{CompressionLevel: png.BestCompression}
				if err := enc.Encode(&buf, want); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(ic.name, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return // the embedded copy is the one this test was built with, the old one
			}
			f, err := files.Open(ic.name)
			if err != nil {
				t.Fatalf("%s is not embedded: %v", ic.name, err)
			}
			defer f.Close()
			got, err := png.Decode(f)
			if err != nil {
				t.Fatalf("decode %s: %v", ic.name, err)
			}
			if got.Bounds() != want.Bounds() {
				t.Fatalf("%s is %v, want %v", ic.name, got.Bounds(), want.Bounds())
			}
			for y := range ic.size {
				for x := range ic.size {
					if g, w := color.NRGBAModel.Convert(got.At(x, y)), want.At(x, y); g != w {
						t.Fatalf("%s at (%d,%d) is %v, drawIcon draws %v: run go test ./assets -run TestIcons -update", ic.name, x, y, g, w)
					}
				}
			}
		})
	}
}

// The icon is the header's logo: book spines standing on a shelf, in the light theme's accent
// colours (app.css --accent and --accent-text); icon.svg draws the same shapes.
var (
	iconBackground = color.NRGBA{0x7a, 0x3e, 0x1d, 0xff}
	iconForeground = color.NRGBA{0xff, 0xfa, 0xf4, 0xff}
)

// box is a rectangle in the unit square, the icon's coordinates.
type box struct{ x0, y0, x1, y1 float64 }

func (b box) has(x, y float64) bool { return x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1 }

// iconShapes are the spines and the shelf. They keep inside the central 0.25–0.75 square, whose
// corners lie within the circle of radius 0.4 that a maskable icon's mask always keeps.
var iconShapes = []box{
	{0.27, 0.30, 0.35, 0.70},
	{0.38, 0.36, 0.46, 0.70},
	{0.49, 0.27, 0.55, 0.70},
	{0.58, 0.33, 0.68, 0.70},
	{0.25, 0.70, 0.75, 0.75},
}

// drawIcon draws the icon size pixels square: a rounded square, or for a maskable icon a full
// square (the platform cuts its own shape). Each pixel is sampled 4×4 times, for smooth edges.
func drawIcon(size int, maskable bool) *image.NRGBA {
	const samples = 4
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for py := range size {
		for px := range size {
			var bg, fg int
			for sy := range samples {
				for sx := range samples {
					x := (float64(px) + (float64(sx)+0.5)/samples) / float64(size)
					y := (float64(py) + (float64(sy)+0.5)/samples) / float64(size)
					if !maskable && !inRoundedSquare(x, y, 0.18) {
						continue
					}
					bg++
					for _, s := range iconShapes {
						if s.has(x, y) {
							fg++
							break
						}
					}
				}
			}
			if bg == 0 {
				continue
			}
			// Blend the foreground over the background by coverage; alpha is the shape's coverage.
			mix := func(b, f uint8) uint8 {
				return uint8((int(b)*(bg-fg) + int(f)*fg + bg/2) / bg)
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: mix(iconBackground.R, iconForeground.R),
				G: mix(iconBackground.G, iconForeground.G),
				B: mix(iconBackground.B, iconForeground.B),
				A: uint8((255*bg + samples*samples/2) / (samples * samples)),
			})
		}
	}
	return img
}

// inRoundedSquare reports whether (x, y) lies in the unit square with corners of radius r.
func inRoundedSquare(x, y, r float64) bool {
	cx := min(max(x, r), 1-r)
	cy := min(max(y, r), 1-r)
	dx, dy := x-cx, y-cy
	return dx*dx+dy*dy <= r*r
}
