package dev.lofilora.dataset.sources;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LicensePolicyTest {
    private final LicensePolicy p = LicensePolicy.defaults();

    @Test
    void allowsTrainingLicencesByVersionPattern() {
        for (String ok : List.of("CC0-1.0", "cc0-1.0", "CC-BY-4.0", "CC-BY-3.0", "CC-BY-3.0-US", "CC-BY-SA-4.0",
                "CC-BY-SA-2.5-IGO", "own-work", "Own-Work")) {
            assertTrue(p.rejectionReason(ok).isEmpty(), ok);
        }
    }

    @Test
    void rejectsNonCommercialNoDerivativesAndUnknownLicences() {
        for (String bad : List.of("CC-BY-NC-4.0", "CC-BY-ND-4.0", "CC-BY-NC-SA-4.0", "CC-BY-", "CC-BY-four", "All rights reserved")) {
            assertTrue(p.rejectionReason(bad).isPresent(), bad);
        }
        String why = p.rejectionReason("CC-BY-NC-4.0").orElseThrow();
        assertTrue(why.contains("NonCommercial/NoDerivatives") && why.contains("grants_training_rights"), why);
        assertEquals("no licence given", p.rejectionReason(" ").orElseThrow());
    }

    @Test
    void licencesMarkedAsGrantingTrainingRightsAreAllowed() {
        LicensePolicy withDeal = new LicensePolicy(p.allowed(), List.of("LicenseRef-label-deal"));
        assertTrue(withDeal.rejectionReason("LicenseRef-label-deal").isEmpty());
        assertTrue(p.rejectionReason("LicenseRef-label-deal").isPresent());
    }
}
