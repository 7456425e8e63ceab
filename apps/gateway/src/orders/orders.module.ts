import { Module } from '@nestjs/common';
import { OrderLinesResolver } from './order-lines.resolver.js';
import { OrdersQueryService } from './orders-query.service.js';
import { OrdersResolver } from './orders.resolver.js';

@Module({ providers: [OrdersResolver, OrderLinesResolver, OrdersQueryService] })
export class OrdersModule {}
