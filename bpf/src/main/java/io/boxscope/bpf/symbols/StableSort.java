package io.boxscope.bpf.symbols;

/**
 * A stable sort of indices by unsigned 64-bit keys without boxing ({@code Arrays.sort} of {@code Integer[]} with a
 * comparator boxed every index and was most of an unsorted kallsyms' parse). A top-down merge sort that skips the
 * merge of two runs already in order, so kallsyms, sorted but for module and BPF symbols, costs about one pass.
 */
final class StableSort {
    private StableSort() {}

    /** The indices {@code 0..n-1} ordered by {@code keys[i]} as unsigned numbers, equal keys in index order. */
    static int[] byUnsigned(long[] keys, int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        int[] tmp = new int[n];
        sort(keys, a, tmp, 0, n);
        return a;
    }

    private static void sort(long[] keys, int[] a, int[] tmp, int from, int to) {
        if (to - from <= 16) {
            // insertion sort: stable, as an element moves only past strictly greater keys
            for (int i = from + 1; i < to; i++) {
                int v = a[i];
                int j = i - 1;
                while (j >= from && Long.compareUnsigned(keys[a[j]], keys[v]) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = v;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        sort(keys, a, tmp, from, mid);
        sort(keys, a, tmp, mid, to);
        if (Long.compareUnsigned(keys[a[mid - 1]], keys[a[mid]]) <= 0) {
            return;
        }
        System.arraycopy(a, from, tmp, from, to - from);
        int i = from;
        int j = mid;
        int k = from;
        while (i < mid && j < to) {
            // ties take the left run first: stable
            a[k++] = Long.compareUnsigned(keys[tmp[j]], keys[tmp[i]]) < 0 ? tmp[j++] : tmp[i++];
        }
        while (i < mid) {
            a[k++] = tmp[i++];
        }
        while (j < to) {
            a[k++] = tmp[j++];
        }
    }
}
