package apitest

import (
	"slices"
	"testing"
	"time"

	"github.com/longshore/longshore/store"
)

// ThirdPageRatio is BenchThirdPage's comparison made on a busy machine: it
// times the third page with 1k and with 65k held in turns, rounds times each,
// so that load weighs on both alike, and returns the median time with 65k
// held over the median with 1k.
func ThirdPageRatio(tb testing.TB, hold func(tb testing.TB, st *store.Store, n int),
	page func(tb testing.TB, st *store.Store, token *string) (int, *string), want, rounds int) float64 {
	sizes := []int{1000, 65000}
	var tokens [2]*string
	var stores [2]*store.Store
	for i, n := range sizes {
		st, err := store.Open("")
		if err != nil {
			tb.Fatal(err)
		}
		defer st.Close()
		hold(tb, st, n)
		for j := 0; j < 2; j++ {
			_, tokens[i] = page(tb, st, tokens[i])
		}
		stores[i] = st
	}
	var times [2][]time.Duration
	for r := 0; r < rounds; r++ {
		for i := range sizes {
			start := time.Now()
			if got, _ := page(tb, stores[i], tokens[i]); got != want {
				tb.Fatalf("a page of %d, want %d", got, want)
			}
			times[i] = append(times[i], time.Since(start))
		}
	}
	median := func(ds []time.Duration) float64 {
		slices.Sort(ds)
		return float64(ds[len(ds)/2])
	}
	return median(times[1]) / median(times[0])
}
