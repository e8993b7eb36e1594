/* binary_trees.c - the same benchmark written by hand in C (malloc/free),
 * the reference the generated code is measured against. */
#include <stdio.h>
#include <stdlib.h>

typedef struct Tree {
    struct Tree *left, *right;
} Tree;

static Tree *make(int depth)
{
    Tree *t = malloc(sizeof *t);
    if (!t)
        abort();
    t->left = depth ? make(depth - 1) : NULL;
    t->right = depth ? make(depth - 1) : NULL;
    return t;
}

static long check(const Tree *t)
{
    return t->left ? 1 + check(t->left) + check(t->right) : 1;
}

static void release(Tree *t)
{
    if (t->left) {
        release(t->left);
        release(t->right);
    }
    free(t);
}

int main(void)
{
    int max_depth = 16, stretch = max_depth + 1;
    Tree *s = make(stretch);
    printf("stretch tree of depth %d\t check: %ld\n", stretch, check(s));
    release(s);
    Tree *long_lived = make(max_depth);
    for (int depth = 4; depth <= max_depth; depth += 2) {
        long iterations = 1L << (max_depth - depth + 4), total = 0;
        for (long i = 0; i < iterations; i++) {
            Tree *t = make(depth);
            total += check(t);
            release(t);
        }
        printf("%ld\t trees of depth %d\t check: %ld\n", iterations, depth, total);
    }
    printf("long lived tree of depth %d\t check: %ld\n", max_depth, check(long_lived));
    release(long_lived);
    return 0;
}
