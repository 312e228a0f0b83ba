package dev.tracked.runtime;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A query read itself, directly or through other queries. Nothing of the cycle is memoized; the
 * next call tries again (after an input change the cycle may be gone).
 */
public final class CycleException extends TrackedException {
    private static final long serialVersionUID = 1L;

    private final transient List<QueryKey> cycle;

    /**
     * A cycle that was not recovered from.
     *
     * @param cycle the queries of the cycle in call order, starting with the one entered first;
     *     copied
     */
    public CycleException(List<QueryKey> cycle) {
        super("Cycle detected: " + path(cycle) + ". A query may not read itself, directly or"
                + " through other queries; break the cycle, or recover from it with"
                + " @Tracked(cycleResult = ...) or @Tracked(cycleInitial = ...) on its first query.");
        this.cycle = List.copyOf(cycle);
    }

    /**
     * A cycle that was recovered from, but failed: {@code problem} says how, after the path.
     *
     * @param cycle the queries of the cycle in call order, starting with the one entered first;
     *     copied
     * @param problem how recovery failed, appended to the message after the cycle's path
     */
    public CycleException(List<QueryKey> cycle, String problem) {
        super("Cycle " + path(cycle) + " " + problem);
        this.cycle = List.copyOf(cycle);
    }

    /**
     * The queries of the cycle in call order, starting with the one that was entered first.
     *
     * @return the cycle's queries, an unmodifiable list; the first is not repeated at the end
     */
    public List<QueryKey> cycle() {
        return cycle;
    }

    private static String path(List<QueryKey> cycle) {
        String chain = cycle.stream().map(QueryKey::toString).collect(Collectors.joining(" -> "));
        return cycle.isEmpty() ? chain : chain + " -> " + cycle.get(0);
    }
}
