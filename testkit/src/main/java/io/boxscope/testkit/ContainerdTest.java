package io.boxscope.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/** A test that starts real Containerd containers (see {@link Containerd}); never skipped under CI or as root. */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("containerd")
@ExtendWith(RequirementsExtension.class)
public @interface ContainerdTest {}
