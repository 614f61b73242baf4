package data

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// seedTxBooks is how many books one seeding transaction writes: large enough that commits cost
// nothing next to the inserts, small enough that the write-ahead log is checkpointed now and then
// instead of growing to the size of a million-book library. (DB.seedBatch is seedTxBooks but in
// tests.)
const seedTxBooks = 50_000

// seedChunk is how many books are generated and written together: their books, read-throughs,
// progress updates and shelf entries each go in a few multi-row INSERTs.
const seedChunk = 500

// seedRowsPerInsert is how many rows one INSERT statement carries; with at most 11 columns it
// stays far below SQLite's limit of 32,766 parameters per statement.
const seedRowsPerInsert = 100

// seedMaxReading is the most books a seeded library is reading at once, as a person would.
const seedMaxReading = 25

// seedShelves are the shelves a seeded library has (created when missing), with the share of
// books on each.
var seedShelves = []struct {
	name  string
	share float64
}{
	{"Owned", 0.40}, {"Kindle", 0.15}, {"Favourites", 0.06}, {"Book club", 0.02}, {"Lent out", 0.01},
}

// seedYears is how far back a seeded library's history goes, and seedFinishAfter how long after
// it was added a book is finished, on average.
const (
	seedYears       = 10
	seedFinishAfter = 120 * 24 * time.Hour
)

// Seed adds n made-up but plausible books to the owner's library, for demos, benchmarks and load
// tests: a mix of statuses with the read-throughs each implies (reading: one open read-through with
// progress; read and did not finish: a finished one, sometimes with progress history or an earlier
// re-read), pages, ratings, notes, reviews, ISBNs, edition facts (publisher, years, language,
// copies, Goodreads id, for seven books in ten), genres, formats (paperback 45%, hardcover 20%, ebook 20%,
// audiobook 12%, other 3%; an audiobook's length is minutes, some 1.6 to 2.1 a page: 300 pages run
// 8 to 10½ hours), and books on a few shelves (created if the owner has none of that name). Titles and authors draw on a large vocabulary, accented names included,
// so text search sees a realistic spread. The books were added over the last ten years, evenly,
// and most were read within months of being added, so that every year has its readings (the
// stats count years). The same seed gives the same books.
//
// Books go in through plain INSERTs (so triggers on books run) in transactions of seedTxBooks;
// each transaction updates the owner's counts with its books, so the counts are right after every
// commit, and a failure keeps the transactions committed before it. A million books take seconds.
// The search index is compacted at the end (CompactSearchIndex).
func (s *BookStore) Seed(ctx context.Context, owner int64, n int, seed uint64) error {
	if n <= 0 {
		return nil
	}
	g := newSeeder(seed, s.db.now(), n)
	// The library was filled over the last seedYears, a book every step, the newest just now.
	step := g.now.Sub(g.now.AddDate(-seedYears, 0, 0)) / time.Duration(n)
	start := g.now.Add(-time.Duration(n) * step)
	var shelves []int64
	seriesIDs := map[string]int64{} // the owner's series by SeriesKey
	for done := 0; done < n; {
		size := min(s.db.seedBatch, n-done)
		err := s.db.inTx(ctx, func(tx *sqlx.Tx) error {
			if shelves == nil {
				var err error
				if shelves, err = seedShelfIDs(ctx, tx, owner, g.now); err != nil {
					return err
				}
			}
			w := &seedWriter{ctx: ctx, tx: tx, stmts: map[string]*sqlx.Stmt{}, returning: s.db.postgres()}
			defer w.close()
			counts := map[Status]int{}
			for i := 0; i < size; i += seedChunk {
				k := min(seedChunk, size-i)
				books := make([]seedBook, k)
				for j := range books {
					books[j] = g.book(start.Add(time.Duration(done+i+j+1) * step))
					counts[books[j].status]++
				}
				if err := w.writeChunk(owner, books, shelves, seriesIDs); err != nil {
					return err
				}
			}
			for _, st := range Statuses() {
				if counts[st] > 0 {
					if err := addToCount(ctx, tx, owner, st, counts[st]); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("seed books: %w", err)
		}
		done += size
	}
	// The books' contributors, from their author text, as for the books of an earlier schema.
	if err := s.db.fillContributors(ctx); err != nil {
		return fmt.Errorf("seed books: %w", err)
	}
	return s.CompactSearchIndex(ctx)
}

// seedShelfIDs returns the ids of the owner's seed shelves, in seedShelves' order, creating the
// ones the owner does not have.
func seedShelfIDs(ctx context.Context, tx *sqlx.Tx, owner int64, now time.Time) ([]int64, error) {
	ids := make([]int64, len(seedShelves))
	for i, sh := range seedShelves {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO shelves (owner_id, name, name_key, position, created_at)
			VALUES (?, ?, ?, (SELECT COALESCE(MAX(position) + 1, 0) FROM shelves WHERE owner_id = ?), ?)
			ON CONFLICT (owner_id, name_key) DO NOTHING`,
			owner, sh.name, ShelfKey(sh.name), owner, now); err != nil {
			return nil, err
		}
		if err := tx.GetContext(ctx, &ids[i], `SELECT id FROM shelves WHERE owner_id = ? AND name_key = ?`,
			owner, ShelfKey(sh.name)); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// seedBook is one generated book with its reading history, before it has an id.
type seedBook struct {
	title, author, genre, notes, isbn string
	status                            Status
	format                            Format
	pages, rating                     int // 0: not known; pages are minutes for an audiobook
	createdAt, updatedAt              time.Time
	reads                             []seedRead
	shelves                           []int // indexes into seedShelves
	// series is the book's place in a series, nil for none.
	series *seedPlace
	// edition is what the reader knows of the edition they have; the zero Edition for nothing.
	edition Edition
	review  string
}

// seedPlace is a seeded book's place in a series: the series' name and the position as printed.
type seedPlace struct {
	name     string
	position Position
}

// seedOpenSeries is a series the seeder is still adding books to: by one author, its next
// position, and how many books it has left to get.
type seedOpenSeries struct {
	name, author string
	next         float64
	left         int
}

// seedRead is one read-through of a seeded book; finished is zero while it is open.
type seedRead struct {
	started, finished time.Time
	outcome           Status
	stoppedAt         int // 0: NULL
	progress          []seedProgress
}

// seedProgress is one progress update: a page, or (pages unknown) a percentage.
type seedProgress struct {
	page    int
	percent float64
	at      time.Time
}

// seeder generates books from one random stream, so the same seed gives the same library.
type seeder struct {
	r *rand.Rand
	// facts draws the books' edition facts and reviews from a stream of their own, so that the
	// rest of a seeded library is what it was before they were seeded.
	facts      *seeder
	now        time.Time
	maxReading int
	reading    int
	// open are the series being written, a few at a time, so that a series' books are added
	// over a while and among other books, as a reader adds them.
	open []seedOpenSeries
}

func newSeeder(seed uint64, now time.Time, n int) *seeder {
	return &seeder{
		r:          rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		now:        now,
		maxReading: min(seedMaxReading, max(1, n/20)),
		facts:      &seeder{r: rand.New(rand.NewPCG(seed^0x5bd1e995, seed)), now: now},
	}
}

func (g *seeder) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *seeder) chance(p float64) bool { return g.r.Float64() < p }

// between returns a time uniformly between a and b (a when b is not after a).
func (g *seeder) between(a, b time.Time) time.Time {
	if !b.After(a) {
		return a
	}
	return a.Add(time.Duration(g.r.Int64N(int64(b.Sub(a)))))
}

// book generates a book added at created.
func (g *seeder) book(created time.Time) seedBook {
	b := seedBook{createdAt: created, updatedAt: created}
	b.title, b.author = g.titleAuthor()
	b.series = g.place(&b.author)
	if g.chance(0.9) {
		b.genre = g.pick(seedGenres)
	}
	if g.chance(0.85) {
		// Most books run 150 to 500 pages; a few are novellas or doorstops.
		b.pages = int(math.Round(math.Exp(5.7 + 0.45*g.r.NormFloat64())))
		b.pages = min(max(b.pages, 48), 2400)
	}
	switch p := g.r.Float64(); {
	case p < 0.45:
		b.format = FormatPaperback
	case p < 0.65:
		b.format = FormatHardcover
	case p < 0.85:
		b.format = FormatEbook
	case p < 0.97:
		b.format = FormatAudiobook
		// Its progress below is in minutes too, as the store keeps an audiobook's.
		b.pages = min(int(math.Round(float64(b.pages)*(1.6+0.5*g.r.Float64()))), MaxMinutes)
	default:
		b.format = FormatOther
	}
	if g.chance(0.5) {
		b.isbn = g.isbn()
	}
	switch p := g.r.Float64(); {
	case p < 0.03 && g.reading < g.maxReading:
		b.status = StatusReading
		g.reading++
	case p < 0.55:
		b.status = StatusRead
	case p < 0.61:
		b.status = StatusDNF
	default:
		b.status = StatusWant
	}
	switch b.status {
	case StatusReading:
		// Started within the last two months (or since it was added), a few updates since.
		started := g.between(maxTime(created, g.now.Add(-60*24*time.Hour)), g.now)
		rd := seedRead{started: started, outcome: StatusReading}
		rd.progress = g.progress(b.pages, started, g.now, 0.1, 0.9, 1+g.r.IntN(5))
		b.updatedAt = started
		if len(rd.progress) > 0 {
			b.updatedAt = rd.progress[len(rd.progress)-1].at
		}
		b.reads = []seedRead{rd}
	case StatusRead, StatusDNF:
		// Most books are finished within months of being added.
		finished := created.Add(time.Duration(g.r.ExpFloat64() * float64(seedFinishAfter)))
		if finished.After(g.now) {
			finished = g.between(created, g.now)
		}
		started := finished.Add(-time.Duration(1+g.r.IntN(45)) * 24 * time.Hour)
		rd := seedRead{started: started, finished: finished, outcome: b.status}
		if g.chance(0.15) || b.status == StatusDNF {
			upTo := 1.0
			if b.status == StatusDNF {
				upTo = 0.1 + 0.5*g.r.Float64()
			}
			rd.progress = g.progress(b.pages, started, finished, 0.05, upTo, 2+g.r.IntN(3))
		}
		if b.status == StatusDNF && b.pages > 0 && len(rd.progress) > 0 {
			rd.stoppedAt = rd.progress[len(rd.progress)-1].page
		}
		if b.status == StatusRead && g.chance(0.05) {
			// A re-read: an earlier reading, a year or more before.
			fin := started.Add(-time.Duration(365+g.r.IntN(3*365)) * 24 * time.Hour)
			b.reads = append(b.reads, seedRead{
				started: fin.Add(-time.Duration(3+g.r.IntN(30)) * 24 * time.Hour), finished: fin, outcome: StatusRead,
			})
		}
		b.reads = append(b.reads, rd)
		b.updatedAt = finished
		if b.status == StatusRead && g.chance(0.7) {
			// Half stars, mostly generous.
			b.rating = min(10, max(1, int(math.Round(7.4+1.8*g.r.NormFloat64()))))
		} else if b.status == StatusDNF && g.chance(0.2) {
			b.rating = 1 + g.r.IntN(5)
		}
	}
	if g.chance(0.15) {
		b.notes = g.notes()
	}
	b.edition = g.facts.edition(b.format)
	if b.rating > 0 && g.facts.chance(0.25) {
		b.review = g.facts.notes()
	}
	for i, sh := range seedShelves {
		share := sh.share
		if sh.name == "Favourites" && b.rating < 9 {
			share = 0.005
		}
		if g.chance(share) {
			b.shelves = append(b.shelves, i)
		}
	}
	return b
}

// edition returns the facts a reader knows of a book's edition, as an export brings them: most
// books have a publisher and years, a few are in another language than English, the paper ones
// are owned once (now and then twice), and some carry their Goodreads id.
func (g *seeder) edition(f Format) Edition {
	var e Edition
	if !g.chance(0.7) {
		return e
	}
	e.Publisher = g.pick(seedPublishers)
	now := g.now.Year()
	e.Year = now - min(int(g.r.ExpFloat64()*12), now-1950)
	e.OriginalYear = e.Year
	if g.chance(0.3) { // first published long before this edition
		e.OriginalYear = max(1600, e.Year-int(g.r.ExpFloat64()*60))
	}
	switch p := g.r.Float64(); {
	case p < 0.80:
		e.Language = "en"
	case p < 0.85:
		e.Language = "fr"
	case p < 0.89:
		e.Language = "de"
	case p < 0.93:
		e.Language = "es"
	case p < 0.95:
		e.Language = "it"
	case p < 0.97:
		e.Language = "pt-BR"
	case p < 0.985:
		e.Language = "ja"
	default:
		e.Language = "nl"
	}
	if f != FormatEbook && f != FormatAudiobook && g.chance(0.6) {
		e.Copies = 1
		if g.chance(0.05) {
			e.Copies = 2
		}
	}
	if g.chance(0.4) {
		e.GoodreadsID = strconv.Itoa(1 + g.r.IntN(60_000_000))
	}
	return e
}

// progress returns k updates between from and to, going from the fraction lo to hi of the book:
// pages when the length is known, percentages otherwise.
func (g *seeder) progress(pages int, from, to time.Time, lo, hi float64, k int) []seedProgress {
	out := make([]seedProgress, k)
	at := from
	for i := range out {
		at = g.between(at, to)
		frac := lo + (hi-lo)*float64(i+1)/float64(k)
		if pages > 0 {
			out[i].page = int(frac * float64(pages))
		} else {
			out[i].percent = math.Round(frac*1000) / 10
		}
		out[i].at = at
	}
	return out
}

// titleAuthor returns a title and its author: now and then a well-known book, otherwise a made-up
// title by a well-known author or a made-up one.
func (g *seeder) titleAuthor() (title, author string) {
	if g.chance(0.04) {
		k := seedClassics[g.r.IntN(len(seedClassics))]
		return k[0], k[1]
	}
	if g.chance(0.3) {
		author = g.pick(seedAuthors)
	} else {
		author = g.pick(seedFirst) + " " + g.pick(seedLast)
		if g.chance(0.1) {
			author = g.pick(seedFirst) + " " + string(g.pick(seedFirst)[0]) + ". " + g.pick(seedLast)
		}
	}
	// Some books have more than one contributor, as real ones do: a co-author, a translator,
	// an illustrator or, for a few, an editor and a narrator.
	switch n := g.r.IntN(100); {
	case n < 8:
		author += " & " + g.pick(seedFirst) + " " + g.pick(seedLast)
	case n < 13:
		author += ", " + g.pick(seedFirst) + " " + g.pick(seedLast) + " (translator)"
	case n < 15:
		author += ", " + g.pick(seedFirst) + " " + g.pick(seedLast) + " (illustrator)"
	case n < 16:
		author += ", " + g.pick(seedFirst) + " " + g.pick(seedLast) + " (editor), " +
			g.pick(seedFirst) + " " + g.pick(seedLast) + " (narrator)"
	}
	adj, noun, noun2 := g.pick(seedAdjectives), g.pick(seedNouns), g.pick(seedNouns)
	switch g.r.IntN(12) {
	case 0, 1:
		title = "The " + adj + " " + noun
	case 2:
		title = adj + " " + noun
	case 3:
		title = "The " + noun + " of " + g.pick(seedPlaces)
	case 4:
		title = noun + " and " + noun2
	case 5:
		title = "A " + noun + " for " + g.pick(seedFirst)
	case 6:
		title = g.pick(seedFirst) + "'s " + noun
	case 7:
		title = "The " + noun + " of the " + adj + " " + noun2
	case 8:
		title = "Notes on " + g.pick(seedPlural)
	case 9:
		title = "The " + g.pick(seedPlural) + " of " + g.pick(seedPlaces)
	case 10:
		title = "When the " + noun + " " + g.pick(seedVerbs)
	default:
		title = adj + " " + g.pick(seedPlural)
	}
	if g.chance(0.08) {
		title += ": A Novel"
	}
	return title, author
}

// seedSeriesShare is the share of seeded books in a series, and seedOpenMax how many series are
// being written at once.
const (
	seedSeriesShare = 1.0 / 3
	seedOpenMax     = 40
)

// place puts about a third of the books in a series: one of the series being written (the book
// then by its author), or a new one of 2 to 12 books by the book's author. Positions count up from
// 1 as printed; now and then a novella between two books takes the half (2.5), and a few books
// are an omnibus of the next three (4-6).
func (g *seeder) place(author *string) *seedPlace {
	if !g.chance(seedSeriesShare) {
		return nil
	}
	if len(g.open) == 0 || len(g.open) < seedOpenMax && g.chance(0.2) {
		name := ""
		switch g.r.IntN(5) {
		case 0:
			name = "The " + g.pick(seedAdjectives) + " " + g.pick(seedNouns) + " " + g.pick(seedSeriesKinds)
		case 1:
			name = g.pick(seedSeriesDetectives) + " " + g.pick(seedLast)
		case 2:
			name = "The " + g.pick(seedNouns) + " of " + g.pick(seedPlaces)
		case 3:
			name = g.pick(seedPlaces) + " " + g.pick(seedSeriesKinds)
		default:
			name = "The " + g.pick(seedPlural) + " " + g.pick(seedSeriesKinds)
		}
		g.open = append(g.open, seedOpenSeries{name: name, author: *author, next: 1, left: 2 + g.r.IntN(11)})
	}
	i := g.r.IntN(len(g.open))
	s := &g.open[i]
	*author = s.author
	var pos Position
	switch p := g.r.Float64(); {
	case p < 0.05 && s.next > 1:
		pos = Position{Text: formatPosition(s.next - 0.5), Sort: s.next - 0.5}
	case p < 0.07:
		pos = Position{Text: formatPosition(s.next) + "-" + formatPosition(s.next+2), Sort: s.next}
		s.next += 3
		s.left--
	default:
		pos = Position{Text: formatPosition(s.next), Sort: s.next}
		s.next++
		s.left--
	}
	place := &seedPlace{name: s.name, position: pos}
	if s.left <= 0 {
		g.open = append(g.open[:i], g.open[i+1:]...)
	}
	return place
}

// notes returns a line or two a reader might write.
func (g *seeder) notes() string {
	s := strings.NewReplacer(
		"{name}", g.pick(seedFirst), "{noun}", strings.ToLower(g.pick(seedNouns)),
		"{adj}", strings.ToLower(g.pick(seedAdjectives)), "{place}", g.pick(seedPlaces),
		"{year}", strconv.Itoa(1995+g.r.IntN(30)), "{n}", strconv.Itoa(2+g.r.IntN(300)),
	).Replace(g.pick(seedNotes))
	if g.chance(0.3) {
		s += "\n" + g.pick(seedNoteTails)
	}
	return s
}

// isbn returns a valid ISBN-13 in the 978 range.
func (g *seeder) isbn() string {
	d := []byte("978")
	for range 9 {
		d = append(d, byte('0'+g.r.IntN(10)))
	}
	sum := 0
	for i, c := range d {
		w := 1
		if i%2 == 1 {
			w = 3
		}
		sum += int(c-'0') * w
	}
	return string(append(d, byte('0'+(10-sum%10)%10)))
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// seedWriter writes generated books in multi-row INSERTs, keeping a prepared statement per shape.
type seedWriter struct {
	ctx   context.Context
	tx    *sqlx.Tx
	stmts map[string]*sqlx.Stmt
	// returning has the INSERTs return their rows' ids (PostgreSQL, which reports no last id).
	returning bool
}

func (w *seedWriter) close() {
	for _, st := range w.stmts {
		st.Close()
	}
}

// insert inserts rows (each len(cols) values) into table and returns their ids, in order. It relies
// on what SQLite guarantees an AUTOINCREMENT table inside a write transaction, which holds the
// database's only write lock: one INSERT's rows get consecutive ids, the last one reported.
func (w *seedWriter) insert(table, cols string, ncols int, rows []any) ([]int64, error) {
	n := len(rows) / ncols
	ids := make([]int64, 0, n)
	for i := 0; i < n; i += seedRowsPerInsert {
		k := min(seedRowsPerInsert, n-i)
		query := "INSERT INTO " + table + " (" + cols + ") VALUES " +
			strings.TrimSuffix(strings.Repeat("("+strings.TrimSuffix(strings.Repeat("?, ", ncols), ", ")+"), ", k), ", ")
		returning := w.returning && (table == "books" || table == "read_throughs") // the ids the callers use
		if returning {
			query += " RETURNING id"
		}
		st, ok := w.stmts[query]
		if !ok {
			var err error
			if st, err = w.tx.PreparexContext(w.ctx, query); err != nil {
				return nil, err
			}
			w.stmts[query] = st
		}
		if returning {
			// PostgreSQL returns the rows of a VALUES list in its order.
			var got []int64
			if err := st.SelectContext(w.ctx, &got, rows[i*ncols:(i+k)*ncols]...); err != nil {
				return nil, fmt.Errorf("insert into %s: %w", table, err)
			}
			ids = append(ids, got...)
			continue
		}
		res, err := st.ExecContext(w.ctx, rows[i*ncols:(i+k)*ncols]...)
		if err != nil {
			return nil, fmt.Errorf("insert into %s: %w", table, err)
		}
		if w.returning {
			continue // no ids asked for
		}
		last, err := res.LastInsertId()
		if err != nil {
			return nil, err
		}
		for j := range k {
			ids = append(ids, last-int64(k-1-j))
		}
	}
	return ids, nil
}

// writeChunk writes books with their read-throughs, progress and shelf entries.
func (w *seedWriter) writeChunk(owner int64, books []seedBook, shelves []int64, series map[string]int64) error {
	rows := make([]any, 0, len(books)*13)
	for _, b := range books {
		// The series sort key is the store's (refreshSeriesSort), for the book's one series.
		var sortKey sql.NullString
		if b.series != nil {
			sortKey = sql.NullString{String: seriesSortKey(SeriesKey(b.series.name), positionSort(b.series.position)), Valid: true}
		}
		rows = append(rows, owner, b.title, b.author, b.genre, b.status, b.format, nullInt(b.pages), nullInt(b.rating),
			b.notes, b.review, nullString(b.isbn), b.createdAt, b.updatedAt, sortKey)
	}
	ids, err := w.insert("books",
		"owner_id, title, author, genre, status, format, pages, rating, notes, review, isbn, created_at, updated_at, series_sort", 14, rows)
	if err != nil {
		return err
	}
	rows = rows[:0]
	for i, b := range books {
		if b.edition != (Edition{}) {
			rows = append(rows, editionArgs(ids[i], b.edition, b.createdAt)...)
		}
	}
	if _, err := w.insert("editions", "book_id, publisher, published_year, original_year, language, copies, goodreads_id, storygraph_id, updated_at", 9, rows); err != nil {
		return err
	}
	rows = rows[:0]
	for i, b := range books {
		if b.series == nil {
			continue
		}
		key := SeriesKey(b.series.name)
		sid, ok := series[key]
		if !ok {
			if err := w.tx.GetContext(w.ctx, &sid, `
				INSERT INTO series (owner_id, name, name_key, created_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (owner_id, name_key) DO UPDATE SET name_key = excluded.name_key
				RETURNING id`, owner, b.series.name, key, b.createdAt); err != nil {
				return fmt.Errorf("insert into series: %w", err)
			}
			series[key] = sid
		}
		rows = append(rows, ids[i], sid, b.series.position.Text, positionSort(b.series.position))
	}
	// Two series that happen to be given one name are one series, as a reader's would be.
	if _, err := w.insert("book_series", "book_id, series_id, position, position_sort", 4, rows); err != nil {
		return err
	}
	rows = rows[:0]
	var reads []*seedRead
	var shelved []any
	for i := range books {
		for j := range books[i].reads {
			rd := &books[i].reads[j]
			var finished any
			if !rd.finished.IsZero() {
				finished = rd.finished.Format(dateLayout)
			}
			rows = append(rows, ids[i], rd.started.Format(dateLayout), finished, rd.outcome, nullInt(rd.stoppedAt))
			reads = append(reads, rd)
		}
		for _, sh := range books[i].shelves {
			shelved = append(shelved, ids[i], shelves[sh], books[i].createdAt)
		}
	}
	rtIDs, err := w.insert("read_throughs", "book_id, started_on, finished_on, outcome, stopped_at_page", 5, rows)
	if err != nil {
		return err
	}
	rows = rows[:0]
	for i, rd := range reads {
		for _, p := range rd.progress {
			var page, percent any
			if p.page > 0 || p.percent == 0 {
				page = p.page
			} else {
				percent = p.percent
			}
			rows = append(rows, rtIDs[i], page, percent, p.at)
		}
	}
	if _, err := w.insert("progress_updates", "read_through_id, page, percent, recorded_at", 4, rows); err != nil {
		return err
	}
	_, err = w.insert("book_shelves", "book_id, shelf_id, added_at", 3, shelved)
	return err
}

var (
	seedAdjectives = []string{
		"Silent", "Burning", "Hidden", "Last", "Glass", "Winter", "Distant", "Crimson", "Hollow", "Golden",
		"Broken", "Midnight", "Wandering", "Lost", "Iron", "Quiet", "Salt", "Paper", "Velvet", "Bitter",
		"Northern", "Drowned", "Secret", "Electric", "Final", "Forgotten", "Invisible", "Long", "Small",
		"Wild", "Sleeping", "Shattered", "Restless", "Borrowed", "Dark", "Bright", "Endless", "Faraway",
		"Green", "Grey", "Little", "Lonely", "Marble", "Narrow", "Painted", "Radiant", "Scarlet", "Stolen",
		"Strange", "Summer", "Tender", "Thousand", "Twelfth", "Unfinished", "Vanishing", "Violet", "White",
		"Wooden", "Yellow", "Burnt", "Copper", "Ashen", "Feral", "Gentle", "Savage", "Sunken", "Autumn",
	}
	seedNouns = []string{
		"Garden", "River", "Kingdom", "Library", "Orchard", "Lighthouse", "Archive", "Harbour", "Mountain",
		"Letters", "Cartographer", "Season", "Empire", "Tide", "Forest", "Clockmaker", "Island", "Mirror",
		"Map", "Bridge", "Crown", "Daughter", "Dragon", "Dream", "Engine", "Feather", "Fire", "Gate",
		"Ghost", "Heart", "House", "Hunter", "Key", "Lantern", "Machine", "Mapmaker", "Moon", "Night",
		"Ocean", "Painter", "Prophet", "Queen", "Rain", "Road", "Salt", "Shadow", "Ship", "Sister", "Sky",
		"Song", "Star", "Storm", "Stranger", "Sword", "Thief", "Tower", "Translator", "Tree", "Valley",
		"Voyage", "War", "Watchmaker", "Widow", "Wind", "Wolf", "World", "Year", "Atlas", "Beekeeper",
		"Bookseller", "Cathedral", "Circus", "Comet", "Desert", "Detective", "Echo", "Exile", "Glacier",
		"Hotel", "Inheritance", "Labyrinth", "Magician", "Meridian", "Monastery", "Nightingale", "Oracle",
		"Pilgrim", "Quarry", "Republic", "Silence", "Telescope", "Threshold", "Vineyard", "Witness",
	}
	seedPlural = []string{
		"Birds", "Bones", "Cities", "Days", "Echoes", "Fathers", "Gods", "Hours", "Islands", "Kings",
		"Lies", "Machines", "Mothers", "Names", "Oceans", "Rivers", "Secrets", "Ships", "Stars", "Stones",
		"Thieves", "Wars", "Waves", "Wolves", "Words", "Years", "Letters", "Orchards", "Lanterns", "Ghosts",
	}
	seedVerbs  = []string{"Falls", "Sings", "Burns", "Returns", "Sleeps", "Breaks", "Waits", "Wakes", "Ends", "Turns"}
	seedPlaces = []string{
		"Alexandria", "Avalon", "Babylon", "Barcelona", "Berlin", "Byzantium", "Cairo", "Constantinople",
		"Dublin", "Gdańsk", "Kraków", "Lisbon", "London", "Macondo", "Montréal", "Nineveh", "Oslo",
		"Paris", "Prague", "Reykjavík", "Samarkand", "São Paulo", "Tangier", "Timbuktu", "Tokyo",
		"Trieste", "Venice", "Vienna", "Zürich", "the North", "the Sea", "Nowhere", "Elsewhere",
	}
	seedSeriesKinds      = []string{"Cycle", "Chronicles", "Trilogy", "Quartet", "Saga", "Sequence", "Mysteries", "Books"}
	seedSeriesDetectives = []string{"Inspector", "Detective", "Commissario", "Sergeant", "Doctor"}
	seedFirst            = []string{
		"Ada", "Chinua", "Ursula", "Haruki", "Toni", "Italo", "Octavia", "Jorge", "Zadie", "Kazuo",
		"Elena", "Gabriel", "Margaret", "Ted", "Ngozi", "Fyodor", "Agnieszka", "Amélie", "Anders", "Aoife",
		"Björn", "Camille", "Carmen", "Chiara", "Dmitri", "Dorothea", "Eduardo", "Eilidh", "Émile", "Farah",
		"Florian", "Giulia", "Hana", "Ingrid", "Isabel", "Jakub", "Javier", "Joaquín", "Kenji", "Leila",
		"Lucía", "Malak", "Marek", "Mei", "Miguel", "Nadia", "Niamh", "Olga", "Oskar", "Pablo", "Priya",
		"Rafael", "Rosa", "Rui", "Saoirse", "Sebastián", "Siobhan", "Søren", "Tomasz", "Ulla", "Valentina",
		"Wen", "Yusuf", "Zofia", "Zoë", "Ibrahim", "Thandiwe", "Kwame", "Ayesha", "Hiroshi", "Luca",
	}
	seedLast = []string{
		"Okafor", "Le Guin", "Murakami", "Morrison", "Calvino", "Butler", "Borges", "Smith", "Ishiguro",
		"Ferrante", "Márquez", "Atwood", "Chiang", "Adichie", "Dostoevsky", "Lindqvist", "Nowak",
		"Kowalczyk", "Wiśniewska", "Dvořák", "Novotná", "Müller", "Schäfer", "Gómez", "Núñez", "Peña",
		"Ibáñez", "Sørensen", "Ødegaard", "Jónsdóttir", "Þórsson", "Ó Briain", "MacLeod", "O'Connor",
		"Fitzgerald", "Nakamura", "Tanaka", "Yamamoto", "Kim", "Park", "Chen", "Wang", "Nguyen", "Haddad",
		"Mansour", "Abiodun", "Mensah", "Diallo", "Rossi", "Bianchi", "Esposito", "Dubois", "Lefèvre",
		"Moreau", "García", "Fernández", "Silva", "Costa", "Pereira", "Santos", "Ivanova", "Petrov",
		"Kuznetsov", "Horváth", "Szabó", "Kovács", "Yılmaz", "Demir", "Papadopoulos", "Andersen",
		"Hansen", "Larsen", "Virtanen", "Korhonen", "Brennan", "Hughes", "Price", "Whitfield", "Ashdown",
	}
	// seedAuthors are real authors, so a reader searching their own shelves finds familiar names.
	seedAuthors = []string{
		"Gabriel García Márquez", "Stanisław Lem", "J. R. R. Tolkien", "Ursula K. Le Guin", "Toni Morrison",
		"Italo Calvino", "Jorge Luis Borges", "Haruki Murakami", "Kazuo Ishiguro", "Margaret Atwood",
		"Octavia E. Butler", "Chimamanda Ngozi Adichie", "Fyodor Dostoevsky", "Leo Tolstoy", "Jane Austen",
		"George Eliot", "Virginia Woolf", "Olga Tokarczuk", "Wisława Szymborska", "Karel Čapek",
		"Bohumil Hrabal", "Milan Kundera", "Halldór Laxness", "Selma Lagerlöf", "José Saramago",
		"Fernando Pessoa", "Clarice Lispector", "Julio Cortázar", "Isabel Allende", "Mario Vargas Llosa",
		"Roberto Bolaño", "Umberto Eco", "Elena Ferrante", "Primo Levi", "Émile Zola", "Albert Camus",
		"Antoine de Saint-Exupéry", "Marguerite Duras", "Annie Ernaux", "Günter Grass", "Thomas Mann",
		"Hermann Hesse", "Franz Kafka", "Sándor Márai", "Imre Kertész", "Orhan Pamuk", "Naguib Mahfouz",
		"Chinua Achebe", "Ngũgĩ wa Thiong'o", "Ryūnosuke Akutagawa", "Yukio Mishima", "Banana Yoshimoto",
		"Jo Nesbø", "Karl Ove Knausgård", "Tove Jansson", "Astrid Lindgren", "Terry Pratchett",
		"Neil Gaiman", "N. K. Jemisin", "Ted Chiang", "Iain M. Banks", "Arthur C. Clarke", "Isaac Asimov",
		"Frank Herbert", "Philip K. Dick", "Agatha Christie", "Dorothy L. Sayers", "Raymond Chandler",
		"Patricia Highsmith", "Hilary Mantel", "Zadie Smith", "Salman Rushdie", "Arundhati Roy",
		"Kurt Vonnegut", "Cormac McCarthy", "Mary Shelley", "Charlotte Brontë", "Emily Brontë",
	}
	// seedClassics are real books with their authors.
	seedClassics = [][2]string{
		{"One Hundred Years of Solitude", "Gabriel García Márquez"}, {"Love in the Time of Cholera", "Gabriel García Márquez"},
		{"Solaris", "Stanisław Lem"}, {"The Cyberiad", "Stanisław Lem"}, {"His Master's Voice", "Stanisław Lem"},
		{"The Hobbit", "J. R. R. Tolkien"}, {"The Fellowship of the Ring", "J. R. R. Tolkien"},
		{"The Two Towers", "J. R. R. Tolkien"}, {"The Return of the King", "J. R. R. Tolkien"},
		{"The Silmarillion", "J. R. R. Tolkien"}, {"A Wizard of Earthsea", "Ursula K. Le Guin"},
		{"The Left Hand of Darkness", "Ursula K. Le Guin"}, {"The Dispossessed", "Ursula K. Le Guin"},
		{"Beloved", "Toni Morrison"}, {"Invisible Cities", "Italo Calvino"},
		{"If on a Winter's Night a Traveller", "Italo Calvino"}, {"Ficciones", "Jorge Luis Borges"},
		{"Norwegian Wood", "Haruki Murakami"}, {"Kafka on the Shore", "Haruki Murakami"},
		{"The Remains of the Day", "Kazuo Ishiguro"}, {"Never Let Me Go", "Kazuo Ishiguro"},
		{"The Handmaid's Tale", "Margaret Atwood"}, {"Kindred", "Octavia E. Butler"},
		{"Parable of the Sower", "Octavia E. Butler"}, {"Half of a Yellow Sun", "Chimamanda Ngozi Adichie"},
		{"Crime and Punishment", "Fyodor Dostoevsky"}, {"The Brothers Karamazov", "Fyodor Dostoevsky"},
		{"War and Peace", "Leo Tolstoy"}, {"Anna Karenina", "Leo Tolstoy"}, {"Pride and Prejudice", "Jane Austen"},
		{"Middlemarch", "George Eliot"}, {"Mrs Dalloway", "Virginia Woolf"}, {"To the Lighthouse", "Virginia Woolf"},
		{"Flights", "Olga Tokarczuk"}, {"Drive Your Plow Over the Bones of the Dead", "Olga Tokarczuk"},
		{"War with the Newts", "Karel Čapek"}, {"Too Loud a Solitude", "Bohumil Hrabal"},
		{"The Unbearable Lightness of Being", "Milan Kundera"}, {"Independent People", "Halldór Laxness"},
		{"Blindness", "José Saramago"}, {"The Book of Disquiet", "Fernando Pessoa"},
		{"The Hour of the Star", "Clarice Lispector"}, {"Hopscotch", "Julio Cortázar"},
		{"The House of the Spirits", "Isabel Allende"}, {"2666", "Roberto Bolaño"},
		{"The Name of the Rose", "Umberto Eco"}, {"My Brilliant Friend", "Elena Ferrante"},
		{"The Periodic Table", "Primo Levi"}, {"Germinal", "Émile Zola"}, {"The Plague", "Albert Camus"},
		{"The Little Prince", "Antoine de Saint-Exupéry"}, {"The Tin Drum", "Günter Grass"},
		{"The Magic Mountain", "Thomas Mann"}, {"Siddhartha", "Hermann Hesse"}, {"The Trial", "Franz Kafka"},
		{"Embers", "Sándor Márai"}, {"My Name Is Red", "Orhan Pamuk"}, {"Things Fall Apart", "Chinua Achebe"},
		{"Rashōmon", "Ryūnosuke Akutagawa"}, {"Kitchen", "Banana Yoshimoto"}, {"The Snowman", "Jo Nesbø"},
		{"The Summer Book", "Tove Jansson"}, {"Small Gods", "Terry Pratchett"}, {"American Gods", "Neil Gaiman"},
		{"The Fifth Season", "N. K. Jemisin"}, {"Stories of Your Life and Others", "Ted Chiang"},
		{"The Player of Games", "Iain M. Banks"}, {"Childhood's End", "Arthur C. Clarke"},
		{"Foundation", "Isaac Asimov"}, {"Dune", "Frank Herbert"}, {"Ubik", "Philip K. Dick"},
		{"Murder on the Orient Express", "Agatha Christie"}, {"Gaudy Night", "Dorothy L. Sayers"},
		{"The Big Sleep", "Raymond Chandler"}, {"The Talented Mr Ripley", "Patricia Highsmith"},
		{"Wolf Hall", "Hilary Mantel"}, {"White Teeth", "Zadie Smith"}, {"Midnight's Children", "Salman Rushdie"},
		{"The God of Small Things", "Arundhati Roy"}, {"Slaughterhouse-Five", "Kurt Vonnegut"},
		{"The Road", "Cormac McCarthy"}, {"Frankenstein", "Mary Shelley"}, {"Jane Eyre", "Charlotte Brontë"},
		{"Wuthering Heights", "Emily Brontë"},
	}
	seedPublishers = []string{
		"Penguin Books", "Vintage", "Faber & Faber", "Picador", "Bloomsbury", "Orbit", "Tor Books", "Gollancz",
		"HarperCollins", "Random House", "Knopf", "Farrar, Straus and Giroux", "Canongate", "Granta",
		"Fitzcarraldo Editions", "New Directions", "NYRB Classics", "Oxford University Press", "Gallimard",
		"Éditions du Seuil", "Suhrkamp", "Anagrama", "Einaudi", "Companhia das Letras", "Shinchōsha",
		"De Bezige Bij", "Hodder & Stoughton", "Little, Brown", "Scribner", "Virago", "Jonathan Cape",
	}
	seedGenres = []string{
		"Fiction", "Literary fiction", "Science fiction", "Fantasy", "Mystery", "Crime", "Thriller",
		"History", "Poetry", "Biography", "Memoir", "Essays", "Horror", "Romance", "Philosophy",
		"Short stories", "Graphic novel", "Travel", "Nature writing", "Classics", "Young adult",
	}
	seedNotes = []string{
		"Recommended by {name}.", "Borrowed from the library.", "Signed copy, bought in {place}.",
		"Gift from {name}, {year}.", "Slow start, but the ending about the {adj} {noun} is worth it.",
		"Reread the chapter on the {noun} before book club.", "Page {n}: the {noun} scene. Wow.",
		"Bought second-hand in {place}; someone's notes in the margins.", "{name} says the translation is better.",
		"Read on the train to {place}.", "Too many characters called {name}.", "Quote on page {n} for {name}.",
		"Started it in {year}, picked it up again on holiday.", "Lent to {name}, came back with a coffee stain.",
		"The {adj} {noun} stays with you.", "Audiobook narrator was excellent.",
	}
	seedNoteTails = []string{
		"Would read again.", "Not for everyone.", "Look up the sequel.", "Five stars for the last chapter.",
		"Translation by a poet, and it shows.", "Check the film adaptation.",
	}
)
