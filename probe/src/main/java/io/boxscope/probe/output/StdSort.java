package io.boxscope.probe.output;

import java.util.Comparator;
import java.util.List;

/**
 * GNU libstdc++'s {@code std::sort} (introsort: median-of-three quicksort down to runs of 16,
 * heapsort past a depth of {@code 2*floor(log2 n)}, then insertion sort), step for step as in
 * {@code bits/stl_algo.h} and {@code bits/stl_heap.h}. It is not stable; bpftrace sorts map
 * entries with it, so reproducing it is the only way to print ties in the order bpftrace does
 * for the same kernel iteration order. Only {@code less(a, b)} is ever asked, as in C++.
 */
final class StdSort {
    private static final int THRESHOLD = 16;

    private StdSort() {}

    static <T> void sort(List<T> list, Comparator<? super T> cmp) {
        @SuppressWarnings("unchecked")
        T[] a = (T[]) list.toArray();
        new Run<>(a, cmp).sort();
        for (int i = 0; i < a.length; i++) {
            list.set(i, a[i]);
        }
    }

    private record Run<T>(T[] a, Comparator<? super T> cmp) {
        boolean less(T x, T y) {
            return cmp.compare(x, y) < 0;
        }

        void swap(int i, int j) {
            T t = a[i];
            a[i] = a[j];
            a[j] = t;
        }

        void sort() {
            int n = a.length;
            if (n == 0) {
                return;
            }
            introsortLoop(0, n, 2 * (31 - Integer.numberOfLeadingZeros(n)));
            finalInsertionSort(0, n);
        }

        void introsortLoop(int first, int last, int depthLimit) {
            while (last - first > THRESHOLD) {
                if (depthLimit == 0) {
                    makeHeap(first, last);
                    sortHeap(first, last);
                    return;
                }
                depthLimit--;
                int cut = partitionPivot(first, last);
                introsortLoop(cut, last, depthLimit);
                last = cut;
            }
        }

        int partitionPivot(int first, int last) {
            int mid = first + (last - first) / 2;
            moveMedianToFirst(first, first + 1, mid, last - 1);
            return unguardedPartition(first + 1, last, first);
        }

        void moveMedianToFirst(int result, int x, int y, int z) {
            if (less(a[x], a[y])) {
                if (less(a[y], a[z])) {
                    swap(result, y);
                } else if (less(a[x], a[z])) {
                    swap(result, z);
                } else {
                    swap(result, x);
                }
            } else if (less(a[x], a[z])) {
                swap(result, x);
            } else if (less(a[y], a[z])) {
                swap(result, z);
            } else {
                swap(result, y);
            }
        }

        int unguardedPartition(int first, int last, int pivot) {
            while (true) {
                while (less(a[first], a[pivot])) {
                    first++;
                }
                last--;
                while (less(a[pivot], a[last])) {
                    last--;
                }
                if (!(first < last)) {
                    return first;
                }
                swap(first, last);
                first++;
            }
        }

        void finalInsertionSort(int first, int last) {
            if (last - first > THRESHOLD) {
                insertionSort(first, first + THRESHOLD);
                for (int i = first + THRESHOLD; i < last; i++) {
                    unguardedLinearInsert(i);
                }
            } else {
                insertionSort(first, last);
            }
        }

        void insertionSort(int first, int last) {
            if (first == last) {
                return;
            }
            for (int i = first + 1; i < last; i++) {
                if (less(a[i], a[first])) {
                    T val = a[i];
                    System.arraycopy(a, first, a, first + 1, i - first);
                    a[first] = val;
                } else {
                    unguardedLinearInsert(i);
                }
            }
        }

        void unguardedLinearInsert(int last) {
            T val = a[last];
            int next = last - 1;
            while (less(val, a[next])) {
                a[last] = a[next];
                last = next;
                next--;
            }
            a[last] = val;
        }

        void makeHeap(int first, int last) {
            int len = last - first;
            if (len < 2) {
                return;
            }
            int parent = (len - 2) / 2;
            while (true) {
                T value = a[first + parent];
                adjustHeap(first, parent, len, value);
                if (parent == 0) {
                    return;
                }
                parent--;
            }
        }

        void sortHeap(int first, int last) {
            while (last - first > 1) {
                last--;
                T value = a[last];
                a[last] = a[first];
                adjustHeap(first, 0, last - first, value);
            }
        }

        void adjustHeap(int first, int holeIndex, int len, T value) {
            int topIndex = holeIndex;
            int secondChild = holeIndex;
            while (secondChild < (len - 1) / 2) {
                secondChild = 2 * (secondChild + 1);
                if (less(a[first + secondChild], a[first + secondChild - 1])) {
                    secondChild--;
                }
                a[first + holeIndex] = a[first + secondChild];
                holeIndex = secondChild;
            }
            if ((len & 1) == 0 && secondChild == (len - 2) / 2) {
                secondChild = 2 * (secondChild + 1);
                a[first + holeIndex] = a[first + secondChild - 1];
                holeIndex = secondChild - 1;
            }
            int parent = (holeIndex - 1) / 2;
            while (holeIndex > topIndex && less(a[first + parent], value)) {
                a[first + holeIndex] = a[first + parent];
                holeIndex = parent;
                parent = (holeIndex - 1) / 2;
            }
            a[first + holeIndex] = value;
        }
    }
}
