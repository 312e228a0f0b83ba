package dev.tracked.processor;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import javax.annotation.processing.Processor;
import org.junit.jupiter.api.Test;

/** How build tools find the processor. */
class RegistrationTest {
    @Test
    void discoverableThroughServiceLoader() {
        assertThat(ServiceLoader.load(Processor.class).stream()
                        .map(provider -> provider.type().getName()))
                .contains(TrackedProcessor.class.getName());
    }

    @Test
    void declaredIsolatingForGradleIncrementalCompilation() throws IOException {
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("META-INF/gradle/incremental.annotation.processors")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip())
                    .isEqualTo(TrackedProcessor.class.getName() + ",isolating");
        }
    }
}
