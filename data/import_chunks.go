package data

import (
	"bytes"
	"compress/flate"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/jmoiron/sqlx"
)

// An import's rows are held for review in chunks (import_chunks, migration 00009): the rows
// first..last of the file as JSON lines, compressed together, with the chunk's count of rows of
// each kind beside them. Migration 00006 stored a JSON row per book with two indexes over them,
// about 30 times the upload's size (and 150 times for a file of one-byte lines, each a row with
// problems); similar rows compress well together (TestImportStoredSize in package handlers: 0.24 bytes per byte of a Goodreads export, 2.7 for a file of the shortest lines). The
// counts let the review find a page of rows by kind, and the import its rows, without reading
// the chunks that do not hold them.
const (
	// chunkRows and chunkBytes bound a chunk: a fix reads and rewrites its row's chunk, and the
	// review a few, so a chunk stays small even when its rows are large (a cell is up to 64 KB).
	chunkRows  = 256
	chunkBytes = 256 << 10
	// chunkLevel is flate's fastest level: a Goodreads export's review takes 0.24 bytes per byte
	// uploaded (0.18 at the default level, which costs more time on every upload).
	chunkLevel = flate.BestSpeed
)

// chunk is a run of an import's rows, decoded.
type chunk struct {
	First, Last int
	// Counts are the chunk's rows by rank (RowKind.rank).
	Counts [4]int
	Rows   []ImportRow
}

// chunkRecord is an import_chunks row.
type chunkRecord struct {
	First    int    `db:"first_n"`
	Last     int    `db:"last_n"`
	Problems int    `db:"problems"`
	Matches  int    `db:"matches"`
	News     int    `db:"news"`
	Dropped  int    `db:"dropped"`
	Packed   []byte `db:"packed"`
}

func (r chunkRecord) counts() [4]int { return [4]int{r.Problems, r.Matches, r.News, r.Dropped} }

// decode returns the chunk's rows.
func (r chunkRecord) decode() (chunk, error) {
	c := chunk{First: r.First, Last: r.Last, Counts: r.counts(), Rows: make([]ImportRow, 0, r.Last-r.First+1)}
	zr := flate.NewReader(bytes.NewReader(r.Packed))
	defer zr.Close()
	dec := json.NewDecoder(zr)
	for {
		var row ImportRow
		err := dec.Decode(&row)
		if errors.Is(err, io.EOF) {
			return c, nil
		}
		if err != nil {
			return chunk{}, fmt.Errorf("import rows %d-%d: %w", r.First, r.Last, err)
		}
		c.Rows = append(c.Rows, row)
	}
}

// chunkWriter encodes rows into a chunk's blob, reusing its buffers from chunk to chunk.
type chunkWriter struct {
	raw, blob         bytes.Buffer
	enc               *json.Encoder
	zw                *flate.Writer
	first, last, rows int
	counts            [4]int
}

func newChunkWriter() *chunkWriter {
	w := &chunkWriter{}
	w.enc = json.NewEncoder(&w.raw)
	w.zw, _ = flate.NewWriter(&w.blob, chunkLevel) // fails only for a bad level
	return w
}

// add appends a row, and reports whether the chunk is full.
func (w *chunkWriter) add(r ImportRow) (bool, error) {
	if w.rows == 0 {
		w.first = r.N
	}
	w.last = r.N
	w.rows++
	w.counts[r.Kind.rank()]++
	if err := w.enc.Encode(r); err != nil {
		return false, err
	}
	return w.rows >= chunkRows || w.raw.Len() >= chunkBytes, nil
}

// encode compresses the rows added since the last encode into a record, and starts a new chunk.
func (w *chunkWriter) encode() (chunkRecord, error) {
	w.blob.Reset()
	w.zw.Reset(&w.blob)
	if _, err := w.zw.Write(w.raw.Bytes()); err != nil {
		return chunkRecord{}, err
	}
	if err := w.zw.Close(); err != nil {
		return chunkRecord{}, err
	}
	rec := chunkRecord{First: w.first, Last: w.last, Problems: w.counts[0], Matches: w.counts[1], News: w.counts[2], Dropped: w.counts[3],
		Packed: bytes.Clone(w.blob.Bytes())}
	w.raw.Reset()
	w.rows, w.counts = 0, [4]int{}
	return rec, nil
}

// encodeChunk is a chunk's record, its counts recounted from its rows.
func encodeChunk(c chunk) (chunkRecord, error) {
	w := newChunkWriter()
	for _, r := range c.Rows {
		if _, err := w.add(r); err != nil {
			return chunkRecord{}, err
		}
	}
	return w.encode()
}

// insertChunk stores a chunk of import id.
func insertChunk(ctx context.Context, tx *sqlx.Tx, id int64, rec chunkRecord) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO import_chunks (import_id, first_n, last_n, problems, matches, news, dropped, packed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		id, rec.First, rec.Last, rec.Problems, rec.Matches, rec.News, rec.Dropped, rec.Packed)
	return err
}

// chunkOf reads the chunk of import id that holds row n, through q; ErrNotFound when none does.
func chunkOf(ctx context.Context, q sqlx.QueryerContext, id int64, n int) (chunk, int, error) {
	var rec chunkRecord
	err := sqlx.GetContext(ctx, q, &rec, `
		SELECT first_n, last_n, problems, matches, news, dropped, packed FROM import_chunks
		WHERE import_id = ? AND first_n <= ? ORDER BY first_n DESC LIMIT 1`, id, n)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && rec.Last < n) {
		return chunk{}, 0, ErrNotFound
	}
	if err != nil {
		return chunk{}, 0, err
	}
	c, err := rec.decode()
	return c, len(rec.Packed), err
}

// pageByKind returns up to limit rows of import id from offset, in the review's order (by kind
// in rank order, then by place in the file), reading only the chunks that hold them.
func pageByKind(ctx context.Context, db *DB, id int64, offset, limit int) ([]ImportRow, error) {
	var metas []chunkRecord
	if err := db.selectAll(ctx, &metas, `
		SELECT first_n, last_n, problems, matches, news, dropped FROM import_chunks WHERE import_id = ? ORDER BY first_n`, id); err != nil {
		return nil, err
	}
	decoded := map[int]chunk{}
	var out []ImportRow
	for rank := range 4 {
		for _, m := range metas {
			n := m.counts()[rank]
			if n == 0 || len(out) >= limit {
				continue
			}
			if offset >= n {
				offset -= n
				continue
			}
			c, ok := decoded[m.First]
			if !ok {
				var rec chunkRecord
				if err := db.get(ctx, &rec, `SELECT first_n, last_n, problems, matches, news, dropped, packed FROM import_chunks WHERE import_id = ? AND first_n = ?`, id, m.First); err != nil {
					return nil, err
				}
				var err error
				if c, err = rec.decode(); err != nil {
					return nil, err
				}
				decoded[m.First] = c
			}
			for _, r := range c.Rows {
				if r.Kind.rank() != rank {
					continue
				}
				if offset > 0 {
					offset--
					continue
				}
				if len(out) < limit {
					out = append(out, r)
				}
			}
		}
	}
	return out, nil
}
