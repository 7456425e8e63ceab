import { Module } from '@nestjs/common';
import { OrderPlacementLinesResolver } from './order-placement-lines.resolver.js';
import { OrderPlacementsResolver } from './order-placements.resolver.js';

@Module({ providers: [OrderPlacementsResolver, OrderPlacementLinesResolver] })
export class PlacementsModule {}
