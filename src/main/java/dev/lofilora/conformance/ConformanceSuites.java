package dev.lofilora.conformance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/** The suites installed on the class path ({@code META-INF/services/dev.lofilora.conformance.ConformanceSuite}). */
public final class ConformanceSuites {
    private ConformanceSuites() {}

    /** Every installed suite, sorted by name. */
    public static List<ConformanceSuite> installed() {
        List<ConformanceSuite> out = new ArrayList<>();
        ServiceLoader.load(ConformanceSuite.class, ConformanceSuites.class.getClassLoader()).forEach(out::add);
        out.sort(Comparator.comparing(ConformanceSuite::name));
        return List.copyOf(out);
    }
}
