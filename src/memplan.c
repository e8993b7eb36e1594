/* memplan.c - the memory-strategy pass: decides which strategy governs
 * each function (its decorator, else the --memory-strategy default). */
#include "compiler.h"

void mem_plan(Compiler *c, Program *p)
{
    MemStrategy def = (MemStrategy)c->opts.memory_strategy;
    p->main->strategy = def;
    for (int i = 0; i < p->funcs.n; i++) {
        Func *fn = p->funcs.items[i];
        fn->strategy = fn->decorated == MEM_DEFAULT ? def : fn->decorated;
    }
}
