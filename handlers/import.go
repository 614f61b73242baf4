package handlers

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/bookcase/bookcase/data"
	"github.com/bookcase/bookcase/data/exchange"
	"github.com/bookcase/bookcase/views"
)

// ImportStore is what the handlers need to hold an uploaded file for review and import it.
// Every method takes the owner's id; another reader's import is data.ErrNotFound.
type ImportStore interface {
	Create(ctx context.Context, owner int64, in data.NewImport) (data.Import, error)
	Get(ctx context.Context, owner, id int64) (data.Import, error)
	List(ctx context.Context, owner int64) ([]data.Import, error)
	Rows(ctx context.Context, owner, id int64, offset, limit int) ([]data.ImportRow, error)
	Row(ctx context.Context, owner, id int64, n int) (data.ImportRow, error)
	Fix(ctx context.Context, owner, id int64, n int, fix data.RowFix) (data.ImportRow, error)
	Drop(ctx context.Context, owner, id int64, n int) (data.ImportRow, error)
	Restore(ctx context.Context, owner, id int64, n int) (data.ImportRow, error)
	Start(ctx context.Context, owner, id int64, onDuplicate string) (bool, error)
	Run(ctx context.Context, owner, id int64, progress func(done, total int)) (data.ImportSummary, error)
	Delete(ctx context.Context, owner, id int64) error
	RunningElsewhere(ctx context.Context, owner, id int64) (bool, int, error)
}

// maxImportBody bounds an upload to POST /import: the largest file the importer reads, plus room
// for the multipart framing and the anti-forgery field.
const maxImportBody = exchange.MaxFileSize + 1<<20

// importTimeout bounds the writing of one import, which runs after its request has ended.
const importTimeout = 10 * time.Minute

// uploadBodyLimit is fasthttp's HeaderReceived hook: it runs once a request's headers are read
// and before its body is, and chooses the body limit of that request. POST /import from a
// signed-in reader (a session cookie the store knows) may send maxImportBody; every other request
// keeps the server's maxBodyBytes, so fasthttp refuses a larger one with 413 on its
// Content-Length alone, before reading it or running any handler. An anonymous client cannot
// make the server read more than maxBodyBytes anywhere.
func (s *Server) uploadBodyLimit(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	if !h.IsPost() {
		return fasthttp.RequestConfig{}
	}
	path, _, _ := bytes.Cut(h.RequestURI(), []byte("?"))
	var limit int
	switch {
	case string(path) == views.ImportsURL:
		limit = maxImportBody
	case coverUpload.Match(path):
		limit = maxCoverBody
	default:
		return fasthttp.RequestConfig{}
	}
	for _, name := range []string{"__Host-bookcase_session", "bookcase_session"} {
		token := h.Cookie(name)
		if len(token) == 0 {
			continue
		}
		// Live only reads, so a running import, which holds the writer, cannot delay this.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		live, err := s.sessions.Live(ctx, string(token))
		cancel()
		if err != nil {
			s.log.Error("checking the session of an upload failed", "err", err)
		}
		if live {
			return fasthttp.RequestConfig{MaxRequestBodySize: limit}
		}
	}
	return fasthttp.RequestConfig{}
}

// importJobs runs confirmed imports in the background, one goroutine each, and knows how far
// each has got. The server owns it: shutting the server down cancels the runs (their
// transactions roll back, and the imports show as failed, to be confirmed again) and waits for them.
type importJobs struct {
	store  ImportStore
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	running map[int64]*importProgress
}

// importProgress is how many of the rows of a running import are written.
type importProgress struct {
	done, total atomic.Int64
}

func newImportJobs(store ImportStore, log *slog.Logger) *importJobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &importJobs{store: store, log: log, ctx: ctx, cancel: cancel, running: map[int64]*importProgress{}}
}

// start runs the owner's import id, which the store has just marked running.
func (j *importJobs) start(owner, id int64, requestID string) {
	log := j.log.With("request_id", requestID) // of the request that started it
	p := &importProgress{}
	j.mu.Lock()
	j.running[id] = p
	j.mu.Unlock()
	j.wg.Add(1)
	go func() {
		defer j.wg.Done()
		defer func() {
			j.mu.Lock()
			delete(j.running, id)
			j.mu.Unlock()
		}()
		ctx, cancel := context.WithTimeout(j.ctx, importTimeout)
		defer cancel()
		start := time.Now()
		sum, err := j.store.Run(ctx, owner, id, func(done, total int) {
			p.total.Store(int64(total))
			p.done.Store(int64(done))
		})
		if err != nil {
			log.Error("import failed", "import", id, "owner", owner, "err", err)
			return
		}
		log.Info("import done", "import", id, "owner", owner, "created", sum.Created, "updated", sum.Updated,
			"skipped", sum.Skipped, "duration", time.Since(start))
	}()
}

// progress returns how far the running import id is, if it runs in this process.
func (j *importJobs) progress(id int64) (done, total int, ok bool) {
	j.mu.Lock()
	p, ok := j.running[id]
	j.mu.Unlock()
	if !ok {
		return 0, 0, false
	}
	return int(p.done.Load()), int(p.total.Load()), true
}

// stop cancels the running imports and waits for them to end.
func (j *importJobs) stop() error {
	j.cancel()
	j.wg.Wait()
	return nil
}

// importID parses the :id route parameter; anything but a positive integer names no import.
func importID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, data.ErrNotFound
	}
	return id, nil
}

// importRowN parses the :id and :n route parameters.
func importRowN(c *fiber.Ctx) (int64, int, error) {
	id, err := importID(c)
	if err != nil {
		return 0, 0, err
	}
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n <= 0 {
		return 0, 0, data.ErrNotFound
	}
	return id, n, nil
}

// showImports renders the upload form and the reader's imports.
func (s *Server) showImports(c *fiber.Ctx) error {
	return s.renderUpload(c, fiber.StatusOK, "")
}

func (s *Server) renderUpload(c *fiber.Ctx, status int, message string) error {
	list, err := s.imports.List(c.UserContext(), owner(c))
	if err != nil {
		return err
	}
	u := views.ImportUpload{Message: message, Imports: make([]views.ImportListItem, len(list))}
	for i, im := range list {
		u.Imports[i] = views.ImportListItem{
			ID: im.ID, Filename: im.Filename, State: string(im.State), Total: im.Total,
			Created: im.Created, Updated: im.Updated, Skipped: im.Skipped, Uploaded: im.CreatedAt.Format("2 Jan 2006 15:04"),
		}
	}
	return render(c, status, views.ImportPage(s.meta(c, "Import"), u))
}

// uploadImport reads an uploaded file and holds its rows for review; nothing is written to the
// library. A file that cannot be imported at all is a 422 with the reason at the form. The file
// is parsed as its rows are stored, so it is never held whole in memory (fasthttp keeps an upload
// over 16 MB in a temporary file).
func (s *Server) uploadImport(c *fiber.Ctx) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return s.renderUpload(c, fiber.StatusUnprocessableEntity, "Choose a file to import.")
	}
	if fe := (*exchange.FileError)(nil); errors.As(exchange.CheckSize(fh.Size), &fe) {
		return s.renderUpload(c, fiber.StatusUnprocessableEntity, fe.Message)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	// The parse stops when the request's time is up or the server shuts down (fasthttp's
	// request context is done then), not minutes later.
	ctx, cancel := context.WithCancel(c.UserContext())
	defer cancel()
	defer context.AfterFunc(c.Context(), cancel)()
	var res *exchange.Result
	in := data.NewImport{
		Filename: fh.Filename,
		Rows: func(yield func(data.ImportRow, error) bool) {
			var stopped bool
			var err error
			rows := 0
			res, err = exchange.ParseEach(ctx, f, exchange.MaxFileSize, func(r exchange.Row) error {
				rows++
				if !yield(r, nil) {
					stopped = true
					return errStopped
				}
				return nil
			})
			switch {
			case err != nil && !stopped:
				yield(data.ImportRow{}, err)
			case err == nil && rows == 0:
				yield(data.ImportRow{}, errNoBooks)
			}
		},
		File: func() (string, []string) { return string(res.Format), res.Shelves },
	}
	im, err := s.imports.Create(ctx, owner(c), in)
	if fe := (*exchange.FileError)(nil); errors.As(err, &fe) {
		return s.renderUpload(c, fiber.StatusUnprocessableEntity, fe.Message)
	}
	if v := (*data.ValidationError)(nil); errors.As(err, &v) && v.Fields["file"] != "" {
		return s.renderUpload(c, fiber.StatusUnprocessableEntity, v.Fields["file"])
	}
	if errors.Is(err, errNoBooks) {
		return s.renderUpload(c, fiber.StatusUnprocessableEntity, "The file has its header but no books: export your library again, or choose another file.")
	}
	if err != nil {
		return err
	}
	return s.seeOther(c, views.ImportURL(im.ID))
}

var (
	// errStopped ends a parse whose rows are no longer wanted.
	errStopped = errors.New("import: stopped")
	// errNoBooks abandons an import of a file without a single row.
	errNoBooks = errors.New("import: no books in the file")
)

// seeOther ends a successful write: 303 to location for a plain form, HX-Redirect for htmx.
func (s *Server) seeOther(c *fiber.Ctx, location string) error {
	if isHTMX(c) {
		c.Set(hxRedirect, location)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(location, fiber.StatusSeeOther)
}

// showImport renders one import: the review of its rows (a page at a time, problems first), its
// progress, or what it did.
func (s *Server) showImport(c *fiber.Ctx) error {
	return s.renderImport(c, fiber.StatusOK, "")
}

func (s *Server) renderImport(c *fiber.Ctx, status int, message string) error {
	id, err := importID(c)
	if err != nil {
		return err
	}
	ctx, reader := c.UserContext(), owner(c)
	im, progress, err := s.importWithProgress(ctx, reader, id)
	if err != nil {
		return err
	}
	r := reviewView(im)
	r.Message, r.Progress = message, progress
	if message == "" && c.Query("confirm") == views.ImportRefused && im.Open() && im.Kinds[data.RowProblem] > 0 {
		r.Message = msgProblemsLeft(im.Kinds[data.RowProblem])
	}
	if im.Open() {
		held := im.Kinds[data.RowNew] + im.Kinds[data.RowMatch] + im.Kinds[data.RowProblem] + im.Kinds[data.RowDropped]
		r.Pages = max(1, (held+views.ImportPageSize-1)/views.ImportPageSize)
		r.Page = min(max(1, c.QueryInt("page", 1)), r.Pages)
		rows, err := s.imports.Rows(ctx, reader, id, (r.Page-1)*views.ImportPageSize, views.ImportPageSize)
		if err != nil {
			return err
		}
		r.Rows = make([]views.ImportRow, len(rows))
		for i, row := range rows {
			r.Rows[i] = importRowView(id, row, true)
		}
	}
	return render(c, status, views.ImportReviewPage(s.meta(c, "Import: "+im.Filename), r))
}

// reviewView is an import's counts and settings as the review shows them.
func reviewView(im data.Import) views.ImportReview {
	return views.ImportReview{
		ID: im.ID, Filename: im.Filename, Format: im.Format, State: string(im.State), Total: im.Total,
		New: im.Kinds[data.RowNew], Matches: im.Kinds[data.RowMatch], Problems: im.Kinds[data.RowProblem],
		Dropped: im.Kinds[data.RowDropped], OnDuplicate: im.OnDuplicate,
	}
}

// msgProblemsLeft is why an import with n rows with problems cannot be confirmed.
func msgProblemsLeft(n int) string {
	if n == 1 {
		return "Fix or drop the row with problems first."
	}
	return "Fix or drop the " + strconv.Itoa(n) + " rows with problems first."
}

// importWithProgress reads the reader's import id and how far it is. A running import that neither
// this process nor another instance sharing the database runs (the server stopped during it) is
// shown as failed, which a restart records (FailInterrupted, RollBackOrphans).
//
// It looks at the running jobs before it reads the import, not after. A job records its end in the
// store before it leaves the running jobs, so an import that the store still calls running, and
// that was not among the running jobs a moment before, was not started by this process. Looked at
// the other way round, an import that ended between the read and the look would be taken for one
// that was interrupted, and its page would say it failed.
func (s *Server) importWithProgress(ctx context.Context, reader, id int64) (data.Import, views.ImportProgress, error) {
	done, total, running := s.jobs.progress(id)
	im, err := s.imports.Get(ctx, reader, id)
	if err != nil {
		return data.Import{}, views.ImportProgress{}, err
	}
	if im.State == data.ImportRunning && !running {
		// Another instance sharing the database may be writing it (several instances behind a
		// balancer): it is running there, as far as its new books show.
		elsewhere, written, err := s.imports.RunningElsewhere(ctx, reader, id)
		if err != nil {
			return data.Import{}, views.ImportProgress{}, err
		}
		if elsewhere {
			done, total, running = written, im.Total, true
		} else if im, err = s.imports.Get(ctx, reader, id); err != nil { // it may have ended meanwhile
			return data.Import{}, views.ImportProgress{}, err
		}
	}
	p := views.ImportProgress{ID: im.ID, State: string(im.State), Created: im.Created, Updated: im.Updated, Skipped: im.Skipped, Error: im.Error}
	if im.State == data.ImportRunning {
		if !running {
			p.State, p.Error = string(data.ImportFailed), "The import stopped before it finished, so nothing was saved. Confirm it again to retry."
		}
		p.Done, p.Total = done, total
	}
	return im, p, nil
}

// importProgress answers htmx's polling with the progress fragment; a plain request gets the page.
func (s *Server) importProgress(c *fiber.Ctx) error {
	if !isHTMX(c) {
		return s.showImport(c)
	}
	id, err := importID(c)
	if err != nil {
		return err
	}
	_, progress, err := s.importWithProgress(c.UserContext(), owner(c), id)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.ImportProgressView(progress))
}

// confirmImport starts writing the import in the background and shows its progress. Confirming
// an import that already runs or is done starts nothing and shows it. Confirming one whose rows
// still have problems is refused: htmx gets the message in place of the hint above the button
// (422), a plain form a 303 back to the review, which says it.
func (s *Server) confirmImport(c *fiber.Ctx) error {
	id, err := importID(c)
	if err != nil {
		return err
	}
	ctx, reader := c.UserContext(), owner(c)
	onDuplicate := c.FormValue("onDuplicate")
	started, err := s.imports.Start(ctx, reader, id, onDuplicate)
	var v *data.ValidationError
	if errors.As(err, &v) {
		if _, bad := v.Fields["onDuplicate"]; bad {
			return s.renderImport(c, fiber.StatusUnprocessableEntity, v.Fields["onDuplicate"])
		}
		im, err := s.imports.Get(ctx, reader, id)
		if err != nil {
			return err
		}
		if !im.Open() || im.Kinds[data.RowProblem] == 0 {
			// Closed between the two reads, or the problems fixed meanwhile: show it as it is.
			return s.seeOther(c, views.ImportURL(id))
		}
		if !isHTMX(c) {
			return c.Redirect(views.ImportRefusedURL(id), fiber.StatusSeeOther)
		}
		r := reviewView(im)
		r.Message, r.OnDuplicate = msgProblemsLeft(im.Kinds[data.RowProblem]), onDuplicate
		return render(c, fiber.StatusUnprocessableEntity, views.ImportConfirmRefused(r))
	}
	if err != nil {
		return err
	}
	if started {
		s.jobs.start(reader, id, RequestID(c.UserContext()))
	}
	return s.seeOther(c, views.ImportURL(id))
}

// deleteImport discards an import that is not running, and its rows; the books it wrote stay.
func (s *Server) deleteImport(c *fiber.Ctx) error {
	id, err := importID(c)
	if err != nil {
		return err
	}
	err = s.imports.Delete(c.UserContext(), owner(c), id)
	if v := (*data.ValidationError)(nil); errors.As(err, &v) {
		return s.renderImport(c, fiber.StatusUnprocessableEntity, v.Fields["import"])
	}
	if err != nil {
		return err
	}
	return s.seeOther(c, views.ImportsURL)
}

// importRowView is a stored row as the review shows it.
func importRowView(importID int64, r data.ImportRow, open bool) views.ImportRow {
	return views.ImportRow{ImportID: importID, ImportRow: r, Form: r.AsFix(), ReadingNote: readingNote(r), Open: open}
}

// readingNote says what reading an import will record for a new book whose file leaves a date
// out: a reading's start is required (migration 00004), so the review says what is stored in
// its place rather than store it silently. "" when the file's dates are recorded as they are.
func readingNote(r data.ImportRow) string {
	if len(r.ReadThroughs) > 0 {
		return ""
	}
	switch {
	case (r.Status == data.StatusRead || r.Status == data.StatusDNF) && r.DateRead == nil:
		return "No date in the file: no reading is recorded."
	case (r.Status == data.StatusRead || r.Status == data.StatusDNF) && r.DateStarted == nil:
		return "Start date unknown: the reading is recorded as started on " + r.DateRead.Format("2006/01/02") + "."
	case r.Status == data.StatusReading && r.DateStarted == nil:
		return "Start date unknown: the reading is recorded as started on the day you import."
	}
	return ""
}

// openRow returns row n of the reader's import id, and whether the import can still be changed.
func (s *Server) openRow(c *fiber.Ctx) (views.ImportRow, error) {
	id, n, err := importRowN(c)
	if err != nil {
		return views.ImportRow{}, err
	}
	im, err := s.imports.Get(c.UserContext(), owner(c), id)
	if err != nil {
		return views.ImportRow{}, err
	}
	row, err := s.imports.Row(c.UserContext(), owner(c), id, n)
	if err != nil {
		return views.ImportRow{}, err
	}
	return importRowView(id, row, im.Open()), nil
}

// showImportRow is a row of the review (htmx's Cancel); a plain request goes to the review.
func (s *Server) showImportRow(c *fiber.Ctx) error {
	row, err := s.openRow(c)
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return c.Redirect(views.ImportURL(row.ImportID), fiber.StatusSeeOther)
	}
	row.Focus = true
	return render(c, fiber.StatusOK, views.ImportRowView(row))
}

// editImportRow is the form that fixes a row: in place for htmx, a page of its own otherwise.
func (s *Server) editImportRow(c *fiber.Ctx) error {
	row, err := s.openRow(c)
	if err != nil {
		return err
	}
	if !row.Open {
		return data.ErrNotFound
	}
	return s.renderFix(c, fiber.StatusOK, row)
}

func (s *Server) renderFix(c *fiber.Ctx, status int, row views.ImportRow) error {
	if isHTMX(c) {
		return render(c, status, views.ImportRowEdit(row))
	}
	return render(c, status, views.ImportRowEditPage(s.meta(c, "Fix a row"), row))
}

// fixImportRow saves a fixed row, checked by the rules of every book: 422 with the messages
// beside the fields, or the row (htmx, with the counts) or a 303 to the review.
func (s *Server) fixImportRow(c *fiber.Ctx) error {
	id, n, err := importRowN(c)
	if err != nil {
		return err
	}
	fix := data.RowFix{
		Title: c.FormValue("title"), Author: c.FormValue("author"), Genre: c.FormValue("genre"), Status: c.FormValue("status"),
		ISBN: c.FormValue("isbn"), Pages: c.FormValue("pages"), Rating: c.FormValue("rating"),
		DateAdded: c.FormValue("dateAdded"), DateStarted: c.FormValue("dateStarted"), DateRead: c.FormValue("dateRead"),
		Shelves: c.FormValue("shelves"), Notes: c.FormValue("notes"), ReadCount: c.FormValue("readCount"),
		Review: c.FormValue("review"),
		Series: c.FormValue("series"), KeepTitle: c.FormValue("keepTitle") != "",
	}
	row, err := s.imports.Fix(c.UserContext(), owner(c), id, n, fix)
	var v *data.ValidationError
	if errors.As(err, &v) {
		if msg, closed := v.Fields["import"]; closed {
			return s.renderImport(c, fiber.StatusUnprocessableEntity, msg)
		}
		current, err := s.openRow(c)
		if err != nil {
			return err
		}
		current.Form, current.Errors = fix, v.Fields
		return s.renderFix(c, fiber.StatusUnprocessableEntity, current)
	}
	if err != nil {
		return err
	}
	return s.importRowChanged(c, id, row)
}

// dropImportRow leaves a row out of the import.
func (s *Server) dropImportRow(c *fiber.Ctx) error {
	return s.changeImportRow(c, s.imports.Drop)
}

// restoreImportRow takes a dropped row back.
func (s *Server) restoreImportRow(c *fiber.Ctx) error {
	return s.changeImportRow(c, s.imports.Restore)
}

// changeImportRow drops or restores a row with change, and answers with the row.
func (s *Server) changeImportRow(c *fiber.Ctx, change func(ctx context.Context, owner, id int64, n int) (data.ImportRow, error)) error {
	id, n, err := importRowN(c)
	if err != nil {
		return err
	}
	row, err := change(c.UserContext(), owner(c), id, n)
	var v *data.ValidationError
	if errors.As(err, &v) {
		return s.renderImport(c, fiber.StatusUnprocessableEntity, v.Fields["import"])
	}
	if err != nil {
		return err
	}
	return s.importRowChanged(c, id, row)
}

// importRowChanged answers a fixed, dropped or restored row: htmx gets the row, and out of band
// the counts, the hint and the Import button as they now are; a plain form goes back to the review.
func (s *Server) importRowChanged(c *fiber.Ctx, id int64, row data.ImportRow) error {
	if !isHTMX(c) {
		return c.Redirect(views.ImportURL(id), fiber.StatusSeeOther)
	}
	im, err := s.imports.Get(c.UserContext(), owner(c), id)
	if err != nil {
		return err
	}
	v := importRowView(id, row, true)
	v.Focus = true
	return render(c, fiber.StatusOK, views.ImportRowChanged(v, reviewView(im)))
}
