package handlers

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// admissionApp is an app behind a, whose GET /hold holds its place until release is closed and
// whose GET /n/:i records i in order.
func admissionApp(a *admission, release chan struct{}, order *[]int, mu *sync.Mutex) *fiber.App {
	app := fiber.New()
	app.Use(a.admit)
	app.Get("/hold", func(c *fiber.Ctx) error {
		<-release
		return c.SendString("held")
	})
	app.Get("/n/:i", func(c *fiber.Ctx) error {
		i, _ := strconv.Atoi(c.Params("i"))
		mu.Lock()
		*order = append(*order, i)
		mu.Unlock()
		return c.SendString("ok")
	})
	app.Post("/write", func(c *fiber.Ctx) error { return c.SendString("written") })
	return app
}

// eventually waits for cond, failing the test after a few seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

func TestAdmissionFirstComeFirstServed(t *testing.T) {
	a := newAdmission(1, time.Minute)
	release := make(chan struct{})
	var order []int
	var mu sync.Mutex
	app := admissionApp(a, release, &order, &mu)

	var wg sync.WaitGroup
	get := func(path string) {
		defer wg.Done()
		res, err := app.Test(httptest.NewRequest(http.MethodGet, path, nil), -1)
		if err != nil {
			t.Error(err)
			return
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, res.StatusCode)
		}
	}
	wg.Add(1)
	go get("/hold")
	eventually(t, "the first read holds the only place", func() bool { taken, _ := a.state(); return taken == 1 })
	const n = 5
	for i := range n {
		wg.Add(1)
		go get("/n/" + strconv.Itoa(i))
		eventually(t, "read "+strconv.Itoa(i)+" waits", func() bool { _, waiting := a.state(); return waiting == i+1 })
	}

	// A write does not wait for a place.
	res, err := app.Test(httptest.NewRequest(http.MethodPost, "/write", nil), 2000)
	if err != nil {
		t.Fatalf("POST while every place is taken: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("POST while every place is taken: %d", res.StatusCode)
	}
	mu.Lock()
	if len(order) != 0 {
		t.Errorf("reads ran before their turn: %v", order)
	}
	mu.Unlock()

	close(release)
	wg.Wait()
	want := []int{0, 1, 2, 3, 4}
	mu.Lock()
	defer mu.Unlock()
	if len(order) != n {
		t.Fatalf("reads ran: %v, want %v", order, want)
	}
	for i := range order {
		if order[i] != want[i] {
			t.Fatalf("reads ran in the order %v, want %v", order, want)
		}
	}
	if taken, waiting := a.state(); taken != 0 || waiting != 0 {
		t.Errorf("after every request: %d places taken, %d waiting", taken, waiting)
	}
}

func TestAdmissionTurnsAwayAfterWaiting(t *testing.T) {
	a := newAdmission(1, 50*time.Millisecond)
	release := make(chan struct{})
	var order []int
	var mu sync.Mutex
	app := admissionApp(a, release, &order, &mu)

	done := make(chan struct{})
	go func() {
		defer close(done)
		res, err := app.Test(httptest.NewRequest(http.MethodGet, "/hold", nil), -1)
		if err == nil {
			res.Body.Close()
		}
	}()
	eventually(t, "the first read holds the only place", func() bool { taken, _ := a.state(); return taken == 1 })
	res, err := app.Test(httptest.NewRequest(http.MethodGet, "/n/1", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != strconv.Itoa(retryBusy) {
		t.Errorf("a read that waited too long: %d, Retry-After %q; want 503, %d", res.StatusCode, res.Header.Get("Retry-After"), retryBusy)
	}
	if _, waiting := a.state(); len(order) != 0 || waiting != 0 {
		t.Errorf("the read turned away ran (%v) or still waits (%d)", order, waiting)
	}
	close(release)
	<-done
	res, err = app.Test(httptest.NewRequest(http.MethodGet, "/n/2", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("a read once the place is free: %d", res.StatusCode)
	}
}
