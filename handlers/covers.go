package handlers

import (
	"bytes"
	"context"
	"errors"
	"io"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/views"
)

// CoverStore keeps books' covers (data.CoverStore).
type CoverStore interface {
	Set(ctx context.Context, owner, id int64, small, large []byte) (string, error)
	Delete(ctx context.Context, owner, id int64) error
	Image(ctx context.Context, owner int64, hash string, size data.CoverSize) ([]byte, error)
	Owns(ctx context.Context, owner int64, hash string) (bool, error)
}

// maxCoverBody is the body limit of a cover's upload: the file and the form around it.
const maxCoverBody = maxCoverBytes + 64<<10

// coverUpload matches the path of a cover's upload, whose body may be up to maxCoverBody.
var coverUpload = regexp.MustCompile(`^/books/[0-9]+/cover$`)

// coverProblem says what is wrong with an uploaded file, for the reader.
func coverProblem(err error) string {
	switch {
	case errors.Is(err, errTooManyPixels):
		return "That picture has too many pixels (the most is 40 megapixels): upload a smaller one."
	case errors.Is(err, errNotImage):
		return "That file is not a picture Bookcase can read: choose a JPEG, PNG, WebP or GIF image."
	}
	return ""
}

// uploadCover gives the reader's book the cover in the form's file, read by its content, turned
// upright and stripped of its metadata. A file that is not a usable picture leaves the cover as
// it was, and says why in the cover's section (htmx) or on the book's page.
func (s *Server) uploadCover(c *fiber.Ctx) error {
	b, err := s.liveBook(c)
	if err != nil {
		return err
	}
	problem := ""
	var file []byte
	fh, err := c.FormFile("cover")
	switch {
	case err != nil:
		problem = "Choose a picture to upload."
	case fh.Size == 0:
		problem = "That file is empty: choose a picture."
	case fh.Size > maxCoverBytes:
		return fiber.NewError(fiber.StatusRequestEntityTooLarge, "cover too large")
	default:
		f, err := fh.Open()
		if err != nil {
			return err
		}
		file, err = io.ReadAll(io.LimitReader(f, maxCoverBytes+1))
		f.Close()
		if err != nil {
			return err
		}
		if looksLikeSVG(file) {
			problem = "SVG drawings are not accepted as covers (they can carry scripts): choose a JPEG, PNG, WebP or GIF image."
		}
	}
	if problem == "" {
		img, err := makeCover(c.UserContext(), file)
		if p := coverProblem(err); p != "" {
			problem = p
		} else if err != nil {
			return err
		} else if b.Cover, err = s.covers.Set(c.UserContext(), owner(c), b.ID, img.small, img.large); err != nil {
			return err
		}
	}
	if problem != "" {
		return s.renderCover(c, fiber.StatusUnprocessableEntity, b, problem)
	}
	if !isHTMX(c) {
		return c.Redirect(views.BookURL(b.ID), fiber.StatusSeeOther)
	}
	return s.renderCover(c, fiber.StatusOK, b, "")
}

// looksLikeSVG reports a file that starts as an SVG drawing (or any XML) does.
func looksLikeSVG(b []byte) bool {
	head := strings.ToLower(string(bytes.TrimLeft(b[:min(len(b), 512)], " \t\r\n\ufeff")))
	return strings.HasPrefix(head, "<?xml") || strings.Contains(head, "<svg")
}

// deleteCover removes the cover of the reader's book.
func (s *Server) deleteCover(c *fiber.Ctx) error {
	b, err := s.liveBook(c)
	if err != nil {
		return err
	}
	if err := s.covers.Delete(c.UserContext(), owner(c), b.ID); err != nil {
		return err
	}
	b.Cover = ""
	if !isHTMX(c) {
		return c.Redirect(views.BookURL(b.ID), fiber.StatusSeeOther)
	}
	return s.renderCover(c, fiber.StatusOK, b, "")
}

// renderCover answers with the cover section (htmx) or the book's page, with problem beside the
// file picker when there is one.
func (s *Server) renderCover(c *fiber.Ctx, status int, b data.Book, problem string) error {
	return s.renderBookPage(c, status, b, views.BookCoverUpdated, func(d *views.BookDetail) {
		d.Cover.Error = problem
	})
}

// coverFile is the name of a cover's picture: its hash, and s or l for its size.
var coverFile = regexp.MustCompile(`^([0-9a-f]{12})-([sl])\.jpg$`)

// serveCover sends a cover's picture to a reader who has a book with that cover. Its URL names the
// picture by hash, so the browser may keep it for good (a new cover has a new URL); the answer is
// private, as the reader's library is.
func (s *Server) serveCover(c *fiber.Ctx) error {
	m := coverFile.FindStringSubmatch(c.Params("file"))
	if m == nil {
		return fiber.ErrNotFound
	}
	hash, size := m[1], data.CoverSmall
	if m[2] == "l" {
		size = data.CoverLarge
	}
	etag := `"` + m[1] + "-" + m[2] + `"`
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		// The browser has this picture: check only that the reader still has it.
		ok, err := s.covers.Owns(c.UserContext(), owner(c), hash)
		if err != nil {
			return err
		}
		if !ok {
			return fiber.ErrNotFound
		}
		coverHeaders(c, etag)
		return c.SendStatus(fiber.StatusNotModified)
	}
	img, err := s.covers.Image(c.UserContext(), owner(c), hash, size)
	if err != nil {
		return err
	}
	coverHeaders(c, etag)
	c.Type("jpg")
	return c.Send(img)
}

// coverHeaders let the browser keep a cover's picture for good, and only the browser.
func coverHeaders(c *fiber.Ctx, etag string) {
	c.Set(fiber.HeaderCacheControl, "private, max-age=31536000, immutable")
	c.Set(fiber.HeaderETag, etag)
}
