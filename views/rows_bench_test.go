package views

import (
	"context"
	"io"
	"strconv"
	"testing"
)

// BenchmarkBookRows measures rendering a page of the library's rows, the largest part of a
// library page: 50 books, a few of them being read, with a "Load more" row.
func BenchmarkBookRows(b *testing.B) {
	books := make([]Book, 50)
	statuses := []string{"want", "read", "read", "dnf", "reading"}
	for i := range books {
		id := int64(90_000 + i)
		books[i] = Book{
			ID: id, Title: "The Left Hand of Darkness, volume " + strconv.Itoa(i), Author: "Ursula K. Le Guin",
			Genre: "Science fiction", AddedShort: "14 Mar 2025", Rating: "4.5",
			Status: statuses[i%len(statuses)],
		}
		if books[i].Status == "read" {
			books[i].FinishedShort = "1 Jun 2025"
		}
		if books[i].Status == "reading" {
			books[i].Progress = Progress{Percent: 34, Label: "Page 120 of 350 (34%)"}
		}
	}
	ctx := WithCSRF(context.Background(), "k3P0v5x0lJ0mN8sQ2rT4uW6yA1cE3gI5kM7oQ9sU1wY")
	b.ReportAllocs()
	for b.Loop() {
		if err := BookRows(books, "/books?sort=author&cursor=WyJsZSBndWluIiw5MDA0OV0", "WyJsZSBndWluIiw5MDA0OV0", false).Render(ctx, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
