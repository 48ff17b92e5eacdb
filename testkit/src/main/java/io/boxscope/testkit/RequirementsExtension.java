package io.boxscope.testkit;

import java.lang.reflect.AnnotatedElement;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Checks {@link KernelTest}, {@link DockerTest}, {@link PodmanTest} and {@link ContainerdTest} requirements before each test. */
public final class RequirementsExtension implements BeforeEachCallback {
    @Override
    public void beforeEach(ExtensionContext context) {
        if (annotated(context, DockerTest.class)) {
            Requirements.requireDocker();
        }
        if (annotated(context, PodmanTest.class)) {
            Requirements.requirePodman();
        }
        if (annotated(context, ContainerdTest.class)) {
            Requirements.requireContainerd();
        }
        if (annotated(context, KernelTest.class)) {
            Requirements.requireTracefs();
        }
    }

    private static boolean annotated(ExtensionContext context, Class<? extends java.lang.annotation.Annotation> type) {
        AnnotatedElement method = context.getRequiredTestMethod();
        return AnnotationSupport.isAnnotated(method, type)
                || AnnotationSupport.isAnnotated(context.getRequiredTestClass(), type);
    }
}
