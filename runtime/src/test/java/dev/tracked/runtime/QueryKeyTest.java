package dev.tracked.runtime;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class QueryKeyTest {
    @Test
    void readsLikeTheCall() {
        assertThat(QueryKey.of("settings").toString()).isEqualTo("settings()");
        assertThat(QueryKey.of("tokens", "a.txt").toString()).isEqualTo("tokens(a.txt)");
        assertThat(QueryKey.of("slice", "a", 1, 3).toString()).isEqualTo("slice(a, 1, 3)");
    }

    @Test
    void equalByQueryAndArguments() {
        assertThat(QueryKey.of("slice", "a", 1)).isEqualTo(QueryKey.of("slice", List.of("a", 1)));
        assertThat(QueryKey.of("slice", "a", 1).hashCode())
                .isEqualTo(QueryKey.of("slice", List.of("a", 1)).hashCode());
        assertThat(QueryKey.of("slice", "a", 1)).isNotEqualTo(QueryKey.of("slice", "a", 2));
        assertThat(QueryKey.of("slice", "a")).isNotEqualTo(QueryKey.of("other", "a"));
    }

    @Test
    void cycleMessageClosesThePath() {
        CycleException e = new CycleException(List.of(QueryKey.of("a"), QueryKey.of("b", 1)));
        assertThat(e).hasMessageThat().contains("a() -> b(1) -> a()");
        assertThat(e.cycle()).containsExactly(QueryKey.of("a"), QueryKey.of("b", 1)).inOrder();
    }
}
