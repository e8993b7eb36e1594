#include "compiler.h"
#include "parser.h"
